package grid

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"citytwin/engine/record"
)

func TestResultWrite(t *testing.T) {
	res, err := SolveAC(loadCase(t, "case9"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := res.Write(dir, record.FormatCSV); err != nil {
		t.Fatal(err)
	}
	bus, err := os.ReadFile(filepath.Join(dir, "bus.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(bus)), "\n")
	if lines[0] != "bus_id,type,vm_pu,va_deg" || len(lines) != 10 || !strings.HasPrefix(lines[1], "1,3,1.04,0") {
		t.Errorf("bus.csv starts %q", lines[:2])
	}
	branch, err := os.ReadFile(filepath.Join(dir, "branch.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(branch), "idx,from,to,status,pf_mw,qf_mvar,pt_mw,qt_mvar,ploss_mw,qloss_mvar\n1,1,4,1,71.641") {
		t.Errorf("branch.csv starts %q", string(branch)[:120])
	}
	var s Summary
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if !s.Converged || s.Iterations != 4 || s.VminBus != 9 || s.VmaxBus != 1 || s.PlossMW < 4.641 || s.PlossMW > 4.6411 {
		t.Errorf("summary %+v", s)
	}
}
