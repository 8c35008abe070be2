package sparse

import (
	"bufio"
	"compress/gzip"
	"io"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// branch is a network edge between nodes f and t with series admittance y
// (zero for pipes).
type branch struct {
	f, t int
	y    complex128
}

// waterNetwork reads the node-link structure of an EPANET .inp file
// (optionally gzipped): junctions are unknowns; reservoirs and tanks are
// fixed-head nodes. It returns the junction count, the links between two
// junctions, and, per junction, the number of links to fixed-head nodes.
func waterNetwork(t testing.TB, path string) (nJunc int, links []branch, grounded []int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	}
	junction := map[string]int{}
	fixed := map[string]bool{}
	section := ""
	var raw [][2]string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), ";")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if strings.HasPrefix(fields[0], "[") {
			section = strings.ToUpper(fields[0])
			continue
		}
		switch section {
		case "[JUNCTIONS]":
			junction[fields[0]] = len(junction)
		case "[RESERVOIRS]", "[TANKS]":
			fixed[fields[0]] = true
		case "[PIPES]", "[PUMPS]", "[VALVES]":
			if len(fields) < 3 {
				t.Fatalf("%s: %s: short line %q", path, section, line)
			}
			raw = append(raw, [2]string{fields[1], fields[2]})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	grounded = make([]int, len(junction))
	for _, l := range raw {
		a, aj := junction[l[0]]
		b, bj := junction[l[1]]
		switch {
		case aj && bj:
			links = append(links, branch{f: a, t: b})
		case aj && fixed[l[1]]:
			grounded[a]++
		case bj && fixed[l[0]]:
			grounded[b]++
		default:
			t.Fatalf("%s: link %v joins unknown nodes", path, l)
		}
	}
	return len(junction), links, grounded
}

// ggaMatrix returns a matrix with the structure of the Global Gradient
// Algorithm's system (Todini and Pilati 1988) for a water network: each
// link of conductance g (1/(dh/dQ), log-uniform over six decades as pipe
// headlosses are) adds g to its end nodes' diagonals and −g off the
// diagonal; links to fixed-head nodes add to the diagonal only. It is SPD
// when every junction is connected to a fixed-head node.
func ggaMatrix(rng *rand.Rand, n int, links []branch, grounded []int) *Matrix {
	var es []entry
	cond := func() float64 { return math.Pow(10, 6*rng.Float64()-3) }
	for i := 0; i < n; i++ {
		es = append(es, entry{i, i, 0})
		for k := 0; k < grounded[i]; k++ {
			es = append(es, entry{i, i, cond()})
		}
	}
	for _, l := range links {
		g := cond()
		es = append(es, entry{l.f, l.f, g}, entry{l.t, l.t, g}, entry{l.f, l.t, -g}, entry{l.t, l.f, -g})
	}
	return fromEntries(n, es)
}

// matpowerCase reads the bus types and the in-service branches (with their
// series admittance 1/(r+jx)) of a MATPOWER case file. Bus numbers must be
// 1..n in order, as in the IEEE cases.
func matpowerCase(t testing.TB, path string) (busType []int, branches []branch) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	table := ""
	for n, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "%")
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "mpc.bus ="):
			table = "bus"
			continue
		case strings.HasPrefix(line, "mpc.branch ="):
			table = "branch"
			continue
		case strings.HasPrefix(line, "];"):
			table = ""
			continue
		}
		fields := strings.Fields(strings.TrimSuffix(line, ";"))
		if table == "" || len(fields) == 0 {
			continue
		}
		num := func(k int) float64 {
			v, err := strconv.ParseFloat(fields[k], 64)
			if err != nil {
				t.Fatalf("%s:%d: column %d: %v", path, n+1, k+1, err)
			}
			return v
		}
		switch table {
		case "bus":
			if int(num(0)) != len(busType)+1 {
				t.Fatalf("%s:%d: buses not numbered 1..n", path, n+1)
			}
			busType = append(busType, int(num(1)))
		case "branch":
			if num(10) != 0 {
				branches = append(branches, branch{int(num(0)) - 1, int(num(1)) - 1, 1 / complex(num(2), num(3))})
			}
		}
	}
	return busType, branches
}

// newtonJacobian returns the Jacobian of the polar power-flow mismatch
// equations (ΔP at every non-slack bus, ΔQ at PQ buses; unknowns θ at
// every non-slack bus, |V| at PQ buses) at a random operating point near
// flat start, for bus types as in MATPOWER (1 PQ, 2 PV, 3 slack).
func newtonJacobian(rng *rand.Rand, busType []int, branches []branch) *Matrix {
	nBus := len(busType)
	adj := make([][]int, nBus) // sorted neighbours, self included
	ybus := make([][]complex128, nBus)
	for i := range ybus {
		ybus[i] = make([]complex128, nBus)
		adj[i] = append(adj[i], i)
	}
	for _, br := range branches {
		if ybus[br.f][br.t] == 0 {
			adj[br.f] = append(adj[br.f], br.t)
			adj[br.t] = append(adj[br.t], br.f)
		}
		ybus[br.f][br.f] += br.y
		ybus[br.t][br.t] += br.y
		ybus[br.f][br.t] -= br.y
		ybus[br.t][br.f] -= br.y
	}
	vm, va := make([]float64, nBus), make([]float64, nBus)
	for i := range vm {
		vm[i], va[i] = 0.95+0.1*rng.Float64(), 0.2*(rng.Float64()-0.5)
	}
	s := make([]complex128, nBus) // injections S = V conj(Y V)
	for i := range s {
		var iy complex128
		for _, j := range adj[i] {
			iy += ybus[i][j] * cmplx.Rect(vm[j], va[j])
		}
		s[i] = cmplx.Rect(vm[i], va[i]) * cmplx.Conj(iy)
	}
	theta, volt := make([]int, nBus), make([]int, nBus) // unknown numbers, -1 if none
	n := 0
	for i, ty := range busType {
		theta[i] = -1
		if ty != 3 {
			theta[i] = n
			n++
		}
	}
	for i, ty := range busType {
		volt[i] = -1
		if ty == 1 {
			volt[i] = n
			n++
		}
	}
	var es []entry
	add := func(r, c int, v float64) {
		if r >= 0 && c >= 0 {
			es = append(es, entry{r, c, v})
		}
	}
	for i := range busType {
		for _, j := range adj[i] {
			g, b := real(ybus[i][j]), imag(ybus[i][j])
			if i == j {
				p, q, v := real(s[i]), imag(s[i]), vm[i]
				add(theta[i], theta[i], -q-b*v*v)
				add(theta[i], volt[i], p/v+g*v)
				add(volt[i], theta[i], p-g*v*v)
				add(volt[i], volt[i], q/v-b*v)
				continue
			}
			sn, cs := math.Sincos(va[i] - va[j])
			add(theta[i], theta[j], vm[i]*vm[j]*(g*sn-b*cs))
			add(theta[i], volt[j], vm[i]*(g*cs+b*sn))
			add(volt[i], theta[j], -vm[i]*vm[j]*(g*cs+b*sn))
			add(volt[i], volt[j], vm[i]*(g*sn-b*cs))
		}
	}
	return fromEntries(n, es)
}

// case118Jacobian is the Newton-Raphson Jacobian of the IEEE 118-bus case.
func case118Jacobian(t testing.TB, seed uint64) *Matrix {
	busType, branches := matpowerCase(t, "../../grid/testdata/case118.m") // the grid model's copy
	return newtonJacobian(rand.New(rand.NewPCG(seed, 118)), busType, branches)
}

// ltownMatrix is a GGA-like matrix on the junctions of L-Town.
func ltownMatrix(t testing.TB, seed uint64) *Matrix {
	n, links, grounded := waterNetwork(t, "testdata/L-TOWN.inp.gz")
	return ggaMatrix(rand.New(rand.NewPCG(seed, 785)), n, links, grounded)
}

func TestRealNetworks(t *testing.T) {
	t.Parallel()
	jac := case118Jacobian(t, 1)
	if jac.N != 117+64 { // 118 buses: 1 slack, 53 PV, 64 PQ
		t.Errorf("case118 Jacobian order %d, want 181", jac.N)
	}
	lt := ltownMatrix(t, 1)
	if lt.N != 782 {
		t.Errorf("L-Town junctions %d, want 782", lt.N)
	}
	t.Run("case118/LU", func(t *testing.T) {
		f, err := NewLU(jac)
		if err != nil {
			t.Fatal(err)
		}
		checkLUSolve(t, f, jac)
		jac2 := case118Jacobian(t, 2) // next Newton iterate: same pattern
		if err := f.Refactor(jac2); err != nil {
			t.Fatal(err)
		}
		checkSolve(t, f.Solve, jac2)
		t.Logf("n=%d nnz(A)=%d nnz(L+U)=%d", jac.N, jac.NNZ(), f.NNZ())
	})
	t.Run("L-Town/Cholesky", func(t *testing.T) {
		c, err := NewCholesky(lt)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Factor(lt); err != nil {
			t.Fatal(err)
		}
		checkSolve(t, c.Solve, lt)
		t.Logf("n=%d nnz(A)=%d nnz(L)=%d", lt.N, lt.NNZ(), c.NNZL())
	})
	t.Run("L-Town/LU", func(t *testing.T) {
		f, err := NewLU(lt)
		if err != nil {
			t.Fatal(err)
		}
		checkLUSolve(t, f, lt)
	})
}

func checkLUSolve(t *testing.T, f *LU, m *Matrix) {
	t.Helper()
	if err := f.Factor(m); err != nil {
		t.Fatal(err)
	}
	checkSolve(t, f.Solve, m)
}

// checkSolve compares a solve with gonum's dense one.
func checkSolve(t *testing.T, solve func([]float64), m *Matrix) {
	t.Helper()
	b := randomVector(rand.New(rand.NewPCG(99, uint64(m.N))), m.N)
	x := append([]float64(nil), b...)
	solve(x)
	if r := relResidual(m, x, b); r > 1e-12 {
		t.Errorf("relative residual %g", r)
	}
	if d := relDiff(x, denseSolve(t, m, b)); d > 1e-7 {
		t.Errorf("differs from gonum by %g", d)
	}
}
