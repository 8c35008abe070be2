package record

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Manifest describes one run: what was run, with which seed and version,
// over which simulated interval, how many events, their digest, the KPIs
// of every model and the files written. It is written last, so a run
// folder without manifest.json is incomplete. WallTimeS is the only field
// that differs between two runs of the same scenario and seed.
type Manifest struct {
	Scenario       string                 `json:"scenario"`
	ScenarioSHA256 string                 `json:"scenario_sha256"`
	Name           string                 `json:"name"`
	Seed           uint64                 `json:"seed"`
	Version        string                 `json:"version"`
	SimStart       string                 `json:"sim_start"` // RFC 3339 with the scenario's zone offset
	SimEnd         string                 `json:"sim_end"`
	TimeZone       string                 `json:"timezone"`
	Restored       bool                   `json:"restored,omitempty"` // resumed from a checkpoint
	Events         uint64                 `json:"events"`
	EventDigest    string                 `json:"event_digest"`
	WallTimeS      float64                `json:"wall_time_s"`
	Models         []string               `json:"models"`
	KPIs           map[string][]KPIRecord `json:"kpis"`
	Files          []FileRecord           `json:"files"`
}

// KPIRecord is one KPI in the manifest.
type KPIRecord struct {
	Name  string  `json:"name"`
	Unit  string  `json:"unit,omitempty"`
	Value float64 `json:"value"`
}

// FileRecord names one output file and its size in rows.
type FileRecord struct {
	Name   string `json:"name"`
	Table  string `json:"table"`
	Format string `json:"format"`
	Rows   int    `json:"rows"`
}

// WriteManifest writes m as dir/manifest.json, atomically. Map keys are
// sorted by encoding/json, so the file is deterministic but for WallTimeS.
func WriteManifest(dir string, m *Manifest) error {
	return WriteFileAtomic(filepath.Join(dir, "manifest.json"), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	})
}

// ReadManifest reads dir/manifest.json.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// ClearRun removes an earlier run from dir: the files its manifest lists,
// then the manifest. A manifest from an earlier run would make a
// half-written folder look complete, and its tables (in another format,
// or of a model that no longer runs) would sit beside the new ones as if
// they belonged to them. Files the manifest does not list are left alone,
// and so is a folder without a manifest.
func ClearRun(dir string) error {
	m, err := ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err == nil {
		for _, f := range m.Files {
			// Only regular files by plain name in dir: a manifest is not
			// trusted with paths ("", "." and ".." fail one test or the other).
			if f.Name != filepath.Base(f.Name) || f.Name == "manifest.json" {
				continue
			}
			p := filepath.Join(dir, f.Name)
			if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() {
				continue
			}
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	// An unreadable manifest is removed all the same.
	if err := os.Remove(filepath.Join(dir, "manifest.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
