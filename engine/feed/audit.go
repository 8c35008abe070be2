package feed

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// AuditEntry is one operator action: who did what, when, to what.
type AuditEntry struct {
	When   time.Time         `json:"when"`             // wall-clock UTC of the action
	Who    string            `json:"who"`              // operator (user name, token subject), never a secret
	Action string            `json:"action"`           // e.g. "fork", "overlay", "stop"
	Sim    string            `json:"sim,omitempty"`    // scenario time of the action, as engine.Time.String()
	Detail map[string]string `json:"detail,omitempty"` // action parameters (overlay name, horizon, ...)
}

// AuditLog appends entries as JSON lines to a file opened append-only
// (O_APPEND): existing lines are never rewritten, each entry is written
// with one write call and synced. Safe for concurrent use.
type AuditLog struct {
	mu  sync.Mutex
	f   *os.File
	now func() time.Time
}

// OpenAudit opens (creating if needed) the audit log at path.
func OpenAudit(path string) (*AuditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return &AuditLog{f: f, now: time.Now}, nil
}

// Record appends one entry; When is filled in if zero.
func (a *AuditLog) Record(e AuditEntry) error {
	if e.Who == "" || e.Action == "" {
		return fmt.Errorf("audit: entry needs who and action")
	}
	if e.When.IsZero() {
		e.When = a.now().UTC()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	line = append(line, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.f.Write(line); err != nil {
		return fmt.Errorf("audit: %s: %w", a.f.Name(), err)
	}
	return a.f.Sync()
}

// Close closes the file.
func (a *AuditLog) Close() error { return a.f.Close() }
