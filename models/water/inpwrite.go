package water

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ErrNotWritable is returned by WriteINP for a network that uses a part of
// the .inp format the writer does not write (controls, rules); nothing is
// dropped silently.
var ErrNotWritable = errors.New("water: network cannot be written as .inp")

// WriteINP writes net as an EPANET .inp file that Parse reads back into an
// equal network (every value within rounding of the unit conversion): the
// sections [TITLE], [JUNCTIONS], [RESERVOIRS], [TANKS], [PIPES], [PUMPS],
// [VALVES], [DEMANDS], [STATUS], [EMITTERS], [QUALITY], [SOURCES], [PATTERNS],
// [CURVES], [ENERGY], [REACTIONS], [MIXING], [OPTIONS], [TIMES],
// [COORDINATES] and [VERTICES], in the network's own units (Options.Units),
// laid out as EPANET 2.2 writes them (User Manual, Appendix C). Networks
// with controls or rules are refused with ErrNotWritable.
//
// net may be one Parse returned or one built by hand: then its values are
// in internal units (ft, cfs) like a parsed one, and Options.Units says
// which units to write.
func WriteINP(w io.Writer, net *Network) error {
	if err := writable(net); err != nil {
		return err
	}
	iw := &inpWriter{w: bufio.NewWriter(w), net: net, u: net.Options.Units}
	for _, section := range []func(){iw.title, iw.junctions, iw.reservoirs, iw.tanks, iw.pipes, iw.pumps,
		iw.valves, iw.demands, iw.status, iw.emitters, iw.quality, iw.sources, iw.patterns, iw.curves, iw.energy,
		iw.reactions, iw.mixing, iw.options, iw.times, iw.coordinates, iw.vertices} {
		section()
	}
	iw.printf("\n[END]\n")
	return iw.w.Flush()
}

func writable(net *Network) error {
	switch {
	case len(net.Controls) > 0:
		return fmt.Errorf("%w: %d controls", ErrNotWritable, len(net.Controls))
	case len(net.Rules) > 0:
		return fmt.Errorf("%w: %d rules", ErrNotWritable, len(net.Rules))
	case net.Options.Units.FlowFactor == 0:
		return fmt.Errorf("%w: Options.Units not set", ErrNotWritable)
	}
	return nil
}

type inpWriter struct {
	w   *bufio.Writer
	net *Network
	u   Units
}

func (iw *inpWriter) printf(format string, args ...any) { fmt.Fprintf(iw.w, format, args...) }

// section starts a section with its column header comment.
func (iw *inpWriter) section(name, header string) {
	iw.printf("\n[%s]\n", name)
	if header != "" {
		iw.printf(";%s\n", header)
	}
}

// num is the shortest text that reads back as v.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func (iw *inpWriter) patternID(i int) string { return iw.net.Patterns[i].ID }

func (iw *inpWriter) title() {
	iw.section("TITLE", "")
	for _, t := range iw.net.Title {
		iw.printf("%s\n", t)
	}
}

func (iw *inpWriter) junctions() {
	iw.section("JUNCTIONS", "ID\tElev\tDemand\tPattern")
	for _, n := range iw.net.Nodes[:iw.net.NJuncs] {
		iw.printf("%s\t%s", n.ID, num(n.Elev*iw.u.LengthFactor))
		if len(n.Demands) > 0 {
			d := n.Demands[0]
			iw.printf("\t%s", num(d.Base*iw.u.FlowFactor))
			if d.Pattern > 0 {
				iw.printf("\t%s", iw.patternID(d.Pattern))
			}
		}
		iw.printf("\n")
	}
}

func (iw *inpWriter) reservoirs() {
	iw.section("RESERVOIRS", "ID\tHead\tPattern")
	for _, n := range iw.net.Nodes {
		if n.Type != Reservoir {
			continue
		}
		iw.printf("%s\t%s", n.ID, num(n.Elev*iw.u.LengthFactor))
		if n.Tank >= 0 && iw.net.Tanks[n.Tank].HeadPattern > 0 {
			iw.printf("\t%s", iw.patternID(iw.net.Tanks[n.Tank].HeadPattern))
		}
		iw.printf("\n")
	}
}

// tanks writes levels above the tank bottom and the diameter of the
// cross-section (Parse stores heads and the area).
func (iw *inpWriter) tanks() {
	iw.section("TANKS", "ID\tElev\tInitLvl\tMinLvl\tMaxLvl\tDiam\tMinVol\tVolCurve\tOverflow")
	lf := iw.u.LengthFactor
	for _, n := range iw.net.Nodes {
		if n.Type != Tank {
			continue
		}
		t := iw.net.Tanks[n.Tank]
		diam := math.Sqrt(4 * t.Area * lf * lf / math.Pi)
		curve := "*"
		if t.VolCurve > 0 {
			curve = iw.net.Curves[t.VolCurve].ID
		}
		over := "NO"
		if t.Overflow {
			over = "YES"
		}
		iw.printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n.ID, num(n.Elev*lf), num((t.H0-n.Elev)*lf),
			num((t.Hmin-n.Elev)*lf), num((t.Hmax-n.Elev)*lf), num(diam), num(t.Vmin*iw.u.VolumeFactor), curve, over)
	}
}

// roughness converts a pipe's roughness back to the file's units (D-W
// roughness is in millifeet or mm).
func (iw *inpWriter) roughness(kc float64) float64 {
	if iw.net.Options.Headloss == DarcyWeisbach {
		return kc * 1000 * iw.u.LengthFactor
	}
	return kc
}

func (iw *inpWriter) pipes() {
	iw.section("PIPES", "ID\tNode1\tNode2\tLength\tDiam\tRoughness\tMinorLoss\tStatus")
	for _, l := range iw.net.Links {
		if l.Type > Pipe {
			continue
		}
		status := "OPEN"
		switch {
		case l.Type == CVPipe:
			status = "CV"
		case l.Status == Closed:
			status = "CLOSED"
		}
		iw.printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, iw.net.Nodes[l.N1].ID, iw.net.Nodes[l.N2].ID,
			num(l.Length*iw.u.LengthFactor), num(l.Diam*iw.u.DiamFactor), num(iw.roughness(l.Kc)), num(l.MinorLossIn), status)
	}
}

func (iw *inpWriter) pumps() {
	iw.section("PUMPS", "ID\tNode1\tNode2\tParameters")
	for _, pd := range iw.net.Pumps {
		l := iw.net.Links[pd.Link]
		iw.printf("%s\t%s\t%s", l.ID, iw.net.Nodes[l.N1].ID, iw.net.Nodes[l.N2].ID)
		if pd.Curve == PumpConstHP {
			iw.printf("\tPOWER %s", num(pd.Power))
		} else {
			iw.printf("\tHEAD %s", iw.net.Curves[pd.HeadCurve].ID)
		}
		if l.Kc != 1 && l.Status != Closed {
			iw.printf("\tSPEED %s", num(l.Kc))
		}
		if pd.SpeedPattern > 0 {
			iw.printf("\tPATTERN %s", iw.patternID(pd.SpeedPattern))
		}
		iw.printf("\n")
	}
}

// valveSetting converts a valve's setting back to the file's units.
func (iw *inpWriter) valveSetting(l Link) string {
	switch {
	case l.Type == GPV:
		return iw.net.Curves[int(l.Kc)].ID
	case l.Kc == missing:
		return "0"
	case l.Type == FCV:
		return num(l.Kc * iw.u.FlowFactor)
	case l.Type == TCV:
		return num(l.Kc)
	}
	return num(l.Kc * iw.u.PressureFactor)
}

func (iw *inpWriter) valves() {
	iw.section("VALVES", "ID\tNode1\tNode2\tDiam\tType\tSetting\tMinorLoss")
	for _, l := range iw.net.Links {
		if !l.Type.IsValve() {
			continue
		}
		iw.printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, iw.net.Nodes[l.N1].ID, iw.net.Nodes[l.N2].ID,
			num(l.Diam*iw.u.DiamFactor), l.Type, iw.valveSetting(l), num(l.MinorLossIn))
	}
}

// demands lists every demand of the junctions with more than one or with
// a category (the first [DEMANDS] entry replaces the [JUNCTIONS] one).
func (iw *inpWriter) demands() {
	iw.section("DEMANDS", "Junction\tDemand\tPattern\tCategory")
	for _, n := range iw.net.Nodes[:iw.net.NJuncs] {
		if len(n.Demands) < 2 && (len(n.Demands) == 0 || n.Demands[0].Category == "") {
			continue
		}
		for _, d := range n.Demands {
			iw.printf("%s\t%s", n.ID, num(d.Base*iw.u.FlowFactor))
			if d.Pattern > 0 {
				iw.printf("\t%s", iw.patternID(d.Pattern))
			}
			if d.Category != "" {
				iw.printf("\t;%s", d.Category)
			}
			iw.printf("\n")
		}
	}
}

// status writes the initial status of pumps and valves that differs from
// what their own section implies.
func (iw *inpWriter) status() {
	iw.section("STATUS", "ID\tStatus/Setting")
	for _, l := range iw.net.Links {
		switch {
		case l.Type == Pump && l.Status == Closed:
			iw.printf("%s\tCLOSED\n", l.ID)
		case l.Type.IsValve() && l.Status == Open:
			iw.printf("%s\tOPEN\n", l.ID)
		case l.Type.IsValve() && l.Status == Closed:
			iw.printf("%s\tCLOSED\n", l.ID)
		}
	}
}

// emitters inverts Parse's conversion Ke = ucf / C^(1/exp).
func (iw *inpWriter) emitters() {
	iw.section("EMITTERS", "Junction\tCoefficient")
	o := iw.net.Options
	for _, n := range iw.net.Nodes[:iw.net.NJuncs] {
		if n.Emitter <= 0 {
			continue
		}
		ucf := math.Pow(iw.u.FlowFactor, o.Qexp) / iw.u.PressureFactor
		iw.printf("%s\t%s\n", n.ID, num(math.Pow(ucf/n.Emitter, 1/o.Qexp)))
	}
}

func (iw *inpWriter) quality() {
	iw.section("QUALITY", "Node\tInitQual")
	for _, n := range iw.net.Nodes {
		if n.InitQual != 0 {
			iw.printf("%s\t%s\n", n.ID, num(n.InitQual))
		}
	}
}

var sourceNames = map[SourceType]string{SourceConcen: "CONCEN", SourceMass: "MASS", SourceSetpoint: "SETPOINT", SourceFlowPaced: "FLOWPACED"}

func (iw *inpWriter) sources() {
	iw.section("SOURCES", "Node\tType\tQuality\tPattern")
	for _, n := range iw.net.Nodes {
		if s := n.Source; s != nil {
			iw.printf("%s\t%s\t%s", n.ID, sourceNames[s.Type], num(s.Strength))
			if s.Pattern > 0 {
				iw.printf("\t%s", iw.patternID(s.Pattern))
			}
			iw.printf("\n")
		}
	}
}

func (iw *inpWriter) patterns() {
	iw.section("PATTERNS", "ID\tMultipliers")
	for _, p := range iw.net.Patterns[1:] {
		for i := 0; i < len(p.F); i += 6 {
			iw.printf("%s", p.ID)
			for _, f := range p.F[i:min(i+6, len(p.F))] {
				iw.printf("\t%s", num(f))
			}
			iw.printf("\n")
		}
	}
}

func (iw *inpWriter) curves() {
	iw.section("CURVES", "ID\tX-Value\tY-Value")
	for _, c := range iw.net.Curves[1:] {
		if c.Kind != "" {
			iw.printf(";%s:\n", c.Kind)
		}
		for i := range c.X {
			iw.printf("%s\t%s\t%s\n", c.ID, num(c.X[i]), num(c.Y[i]))
		}
	}
}

func (iw *inpWriter) energy() {
	iw.section("ENERGY", "")
	o := iw.net.Options
	iw.printf("GLOBAL EFFIC\t%s\nGLOBAL PRICE\t%s\nDEMAND CHARGE\t%s\n", num(o.EnergyEff), num(o.EnergyPrice), num(o.DemandCharge))
	if o.PricePattern > 0 {
		iw.printf("GLOBAL PATTERN\t%s\n", iw.patternID(o.PricePattern))
	}
	for _, pd := range iw.net.Pumps {
		id := iw.net.Links[pd.Link].ID
		if pd.EffCurve > 0 {
			iw.printf("PUMP %s EFFIC\t%s\n", id, iw.net.Curves[pd.EffCurve].ID)
		}
		if pd.Price != missing && pd.Price != 0 {
			iw.printf("PUMP %s PRICE\t%s\n", id, num(pd.Price))
		}
		if pd.PricePattern > 0 {
			iw.printf("PUMP %s PATTERN\t%s\n", id, iw.patternID(pd.PricePattern))
		}
	}
}

// reactions writes the global coefficients and every pipe's own where it
// differs from the global one.
func (iw *inpWriter) reactions() {
	iw.section("REACTIONS", "")
	o := iw.net.Options
	iw.printf("ORDER BULK\t%s\nORDER TANK\t%s\nORDER WALL\t%s\n", num(o.BulkOrder), num(o.TankOrder), num(o.WallOrder))
	iw.printf("GLOBAL BULK\t%s\nGLOBAL WALL\t%s\n", num(o.Kbulk*secPerDay), num(o.Kwall))
	iw.printf("LIMITING POTENTIAL\t%s\nROUGHNESS CORRELATION\t%s\n", num(o.Climit), num(o.Rfactor))
	lf := iw.u.LengthFactor
	for _, l := range iw.net.Links {
		if l.Type > Pipe {
			continue
		}
		if l.Kb != o.Kbulk {
			iw.printf("BULK\t%s\t%s\n", l.ID, num(l.Kb*secPerDay))
		}
		kw := l.Kw * secPerDay / (lf * lf)
		if o.WallOrder != 0 {
			kw = l.Kw * secPerDay * lf
		}
		if kw != 0 {
			iw.printf("WALL\t%s\t%s\n", l.ID, num(kw))
		}
	}
	for _, n := range iw.net.Nodes {
		if n.Type == Tank && iw.net.Tanks[n.Tank].Kb != o.Kbulk {
			iw.printf("TANK\t%s\t%s\n", n.ID, num(iw.net.Tanks[n.Tank].Kb*secPerDay))
		}
	}
}

var mixNames = map[MixModel]string{MixComplete: "MIXED", Mix2Comp: "2COMP", MixFIFO: "FIFO", MixLIFO: "LIFO"}

func (iw *inpWriter) mixing() {
	iw.section("MIXING", "Tank\tModel")
	for _, n := range iw.net.Nodes {
		if n.Type != Tank {
			continue
		}
		t := iw.net.Tanks[n.Tank]
		if t.Mix != MixComplete {
			iw.printf("%s\t%s\t%s\n", n.ID, mixNames[t.Mix], num(t.MixFrac))
		}
	}
}

var (
	pressureNames = map[PressureUnit]string{PressurePSI: "PSI", PressureKPA: "KPA", PressureMeters: "METERS", PressureBar: "BAR", PressureFeet: "FEET"}
	headlossNames = map[HeadlossFormula]string{HazenWilliams: "H-W", DarcyWeisbach: "D-W", ChezyManning: "C-M"}
)

func (iw *inpWriter) options() {
	iw.section("OPTIONS", "")
	o, u := iw.net.Options, iw.u
	iw.printf("UNITS\t%s\nPRESSURE\t%s\nHEADLOSS\t%s\n", u.Flow, pressureNames[u.Pressure], headlossNames[o.Headloss])
	iw.printf("SPECIFIC GRAVITY\t%s\nVISCOSITY\t%s\nDIFFUSIVITY\t%s\n", num(o.SpGrav), num(o.Viscosity/viscosity0), num(o.Diffusivity/diffusivity))
	iw.printf("TRIALS\t%d\nACCURACY\t%s\nCHECKFREQ\t%d\nMAXCHECK\t%d\nDAMPLIMIT\t%s\n", o.Trials, num(o.Accuracy), o.CheckFreq, o.MaxCheck, num(o.DampLimit))
	if o.HeadError > 0 {
		iw.printf("HEADERROR\t%s\n", num(o.HeadError*u.LengthFactor))
	}
	if o.FlowChange > 0 {
		iw.printf("FLOWCHANGE\t%s\n", num(o.FlowChange*u.FlowFactor))
	}
	if o.ExtraIter < 0 {
		iw.printf("UNBALANCED\tSTOP\n")
	} else {
		iw.printf("UNBALANCED\tCONTINUE %d\n", o.ExtraIter)
	}
	if o.DefPattern > 0 {
		iw.printf("PATTERN\t%s\n", iw.patternID(o.DefPattern))
	}
	iw.printf("DEMAND MULTIPLIER\t%s\nEMITTER EXPONENT\t%s\n", num(o.DemandMult), num(1/o.Qexp))
	model := "DDA"
	if o.DemandModel == PDA {
		model = "PDA"
	}
	iw.printf("DEMAND MODEL\t%s\nMINIMUM PRESSURE\t%s\nREQUIRED PRESSURE\t%s\nPRESSURE EXPONENT\t%s\n",
		model, num(o.Pmin*u.PressureFactor), num(o.Preq*u.PressureFactor), num(o.Pexp))
	iw.printf("QUALITY\t%s\nTOLERANCE\t%s\n", iw.qualityOption(), num(o.Ctol))
}

func (iw *inpWriter) qualityOption() string {
	o := iw.net.Options
	switch o.Quality {
	case QualAge:
		return "AGE"
	case QualTrace:
		return "TRACE " + iw.net.Nodes[o.TraceNode].ID
	case QualChem:
		name := strings.ReplaceAll(o.ChemName, " ", "_")
		if name == "" || strings.EqualFold(name, "none") || strings.EqualFold(name, "age") || strings.EqualFold(name, "trace") {
			name = "Chemical"
		}
		return name + " " + o.ChemUnits
	}
	return "NONE"
}

func (iw *inpWriter) times() {
	iw.section("TIMES", "")
	o := iw.net.Options
	for _, t := range []struct {
		name string
		s    int64
	}{{"DURATION", o.Duration}, {"HYDRAULIC TIMESTEP", o.HydStep}, {"QUALITY TIMESTEP", o.QualStep},
		{"RULE TIMESTEP", o.RuleStep}, {"PATTERN TIMESTEP", o.PatternStep}, {"PATTERN START", o.PatternStart},
		{"REPORT TIMESTEP", o.ReportStep}, {"REPORT START", o.ReportStart}, {"START CLOCKTIME", o.StartClock}} {
		iw.printf("%s\t%d SEC\n", t.name, t.s)
	}
}

func (iw *inpWriter) coordinates() {
	iw.section("COORDINATES", "Node\tX-Coord\tY-Coord")
	for _, n := range iw.net.Nodes {
		if n.HasXY {
			iw.printf("%s\t%s\t%s\n", n.ID, num(n.X), num(n.Y))
		}
	}
}

func (iw *inpWriter) vertices() {
	iw.section("VERTICES", "Link\tX-Coord\tY-Coord")
	for _, l := range iw.net.Links {
		for _, v := range l.Vertices {
			iw.printf("%s\t%s\t%s\n", l.ID, num(v[0]), num(v[1]))
		}
	}
}
