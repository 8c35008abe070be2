package record

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic creates path by writing to a temporary file in the same
// folder and renaming it into place once write has succeeded and the data
// is synced. A failed or killed write leaves no file under path.
func WriteFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = write(bw); err != nil {
		return fmt.Errorf("record: writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("record: writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("record: syncing %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("record: closing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	return nil
}

// WriteTable writes t into dir as dir/<t.Name><ext> in format f, atomically.
// It returns the path written.
func WriteTable(dir string, t *Table, f Format) (string, error) {
	if _, err := t.Rows(); err != nil {
		return "", err
	}
	path := filepath.Join(dir, t.Name+f.Ext())
	var err error
	switch f {
	case FormatCSV:
		err = WriteFileAtomic(path, func(w io.Writer) error { return WriteCSV(w, t) })
	case FormatArrow:
		err = WriteFileAtomic(path, func(w io.Writer) error { return WriteArrow(w, t) })
	case FormatParquet:
		err = WriteFileAtomic(path, func(w io.Writer) error { return WriteParquet(w, t) })
	default:
		err = fmt.Errorf("%w %d", ErrFormat, f)
	}
	return path, err
}
