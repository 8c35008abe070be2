package synth

import (
	"bufio"
	"compress/gzip"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/osm"
)

// Write writes the city as OSM XML (version 0.6) to w.
func Write(w io.Writer, o *osm.OSM) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := io.WriteString(bw, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", " ")
	if err := enc.Encode(o); err != nil {
		return fmt.Errorf("synth: encode OSM XML: %w", err)
	}
	if _, err := io.WriteString(bw, "\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteFile writes the city to path as OSM XML, gzip-compressed when the
// name ends in .gz. The file is written under a temporary name in the same
// folder and renamed when complete.
func WriteFile(path string, o *osm.OSM) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var w io.Writer = tmp
	var zw *gzip.Writer
	if strings.HasSuffix(path, ".gz") {
		zw = gzip.NewWriter(tmp)
		w = zw
	}
	if err = Write(w, o); err != nil {
		return err
	}
	if zw != nil {
		if err = zw.Close(); err != nil {
			return err
		}
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
