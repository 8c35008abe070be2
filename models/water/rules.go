package water

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Rule is one rule-based control of [RULES] (EPANET 2.2 User Manual, 3.1:
// "Rule-Based Controls").
type Rule struct {
	ID       string
	Premises []Premise
	Then     []Action
	Else     []Action
	Priority float64
}

type ruleVar int8

const (
	rvDemand ruleVar = iota
	rvHead
	rvLevel
	rvPressure
	rvFlow
	rvStatus
	rvSetting
	rvPower
	rvTime
	rvClockTime
	rvFillTime
	rvDrainTime
)

type relOp int8

const (
	opEQ relOp = iota
	opNE
	opLT
	opLE
	opGT
	opGE
)

// Premise is one IF/AND/OR clause.
type Premise struct {
	Or       bool
	System   bool
	IsLink   bool
	Index    int
	Variable ruleVar
	Op       relOp
	Status   Status  // for STATUS premises: Open, Closed or Active
	Value    float64 // user units; seconds for times
}

// Action is one THEN/ELSE clause: set a link's status or setting.
type Action struct {
	Link    int
	Status  Status  // Open, Closed, or Active when Setting is used
	Setting float64 // user units, or missing
}

var ruleVars = []struct {
	kw string
	v  ruleVar
}{{"DEMAND", rvDemand}, {"HEAD", rvHead}, {"GRADE", rvHead}, {"LEVEL", rvLevel},
	{"PRESSURE", rvPressure}, {"FLOW", rvFlow}, {"STATUS", rvStatus}, {"SETTING", rvSetting},
	{"POWER", rvPower}, {"TIME", rvTime}, {"CLOCKTIME", rvClockTime}, {"FILLTIME", rvFillTime},
	{"DRAINTIME", rvDrainTime}}

var relOps = map[string]relOp{"=": opEQ, "<>": opNE, "<": opLT, "<=": opLE, ">": opGT, ">=": opGE,
	"IS": opEQ, "NOT": opNE, "BELOW": opLT, "ABOVE": opGT}

// rules parses the [RULES] section.
func (p *parser) rules(lines []inpLine) error {
	var cur *Rule
	state := "" // IF, THEN, ELSE
	for _, l := range lines {
		if err := p.ruleLine(l, &cur, &state); err != nil {
			return &InputError{Line: l.num, Section: "RULES", Err: err}
		}
	}
	return nil
}

func (p *parser) ruleLine(l inpLine, cur **Rule, state *string) error {
	t := l.tokens
	kw := strings.ToUpper(t[0])
	if kw == "RULE" {
		if len(t) < 2 {
			return errors.New("rule without an ID")
		}
		p.net.Rules = append(p.net.Rules, Rule{ID: t[1]})
		*cur = &p.net.Rules[len(p.net.Rules)-1]
		*state = "RULE"
		return nil
	}
	if *cur == nil {
		return errors.New("clause before the first RULE")
	}
	r := *cur
	switch kw {
	case "IF":
		*state = "IF"
		return p.premise(r, t, false)
	case "OR":
		if *state != "IF" {
			return errors.New("OR outside the premises")
		}
		return p.premise(r, t, true)
	case "THEN":
		*state = "THEN"
		return p.action(&r.Then, t)
	case "ELSE":
		*state = "ELSE"
		return p.action(&r.Else, t)
	case "AND":
		switch *state {
		case "IF":
			return p.premise(r, t, false)
		case "THEN":
			return p.action(&r.Then, t)
		case "ELSE":
			return p.action(&r.Else, t)
		}
		return errors.New("AND without IF, THEN or ELSE")
	case "PRIORITY":
		if len(t) < 2 {
			return errors.New("missing priority")
		}
		v, err := parseNum(t[1])
		if err != nil {
			return err
		}
		r.Priority = v
		return nil
	}
	return fmt.Errorf("unknown rule keyword %q", t[0])
}

func (p *parser) premise(r *Rule, t []string, or bool) error {
	pr := Premise{Or: or}
	i := 2
	obj := strings.ToUpper(t[1])
	if len(t) < 5 {
		return errors.New("too few items in premise")
	}
	switch obj {
	case "SYSTEM":
		pr.System = true
		i = 2
	case "NODE", "JUNCTION", "RESERVOIR", "TANK":
		j, err := p.node(t[2])
		if err != nil {
			return err
		}
		pr.Index = j
		i = 3
	case "LINK", "PIPE", "PUMP", "VALVE":
		k, err := p.linkRef(t[2])
		if err != nil {
			return err
		}
		pr.Index, pr.IsLink = k, true
		i = 3
	default:
		return fmt.Errorf("unknown rule object %q", t[1])
	}
	if len(t) < i+3 {
		return errors.New("too few items in premise")
	}
	found := false
	for _, v := range ruleVars {
		if strings.EqualFold(t[i], v.kw) {
			pr.Variable, found = v.v, true
		}
	}
	if !found {
		return fmt.Errorf("unknown rule variable %q", t[i])
	}
	op, ok := relOps[strings.ToUpper(t[i+1])]
	if !ok {
		return fmt.Errorf("unknown relation %q", t[i+1])
	}
	pr.Op = op
	val := t[i+2]
	switch pr.Variable {
	case rvStatus:
		s, ok := statusWord(val)
		if !ok {
			return fmt.Errorf("unknown status %q", val)
		}
		pr.Status = s
	case rvTime, rvClockTime, rvFillTime, rvDrainTime:
		units := ""
		if len(t) > i+3 {
			units = t[i+3]
		}
		h, ok := clockHours(val, units)
		if !ok {
			return fmt.Errorf("invalid time %q", val)
		}
		pr.Value = math.Floor(3600 * h)
	default:
		v, err := parseNum(val)
		if err != nil {
			return err
		}
		pr.Value = v
	}
	r.Premises = append(r.Premises, pr)
	return nil
}

func statusWord(s string) (Status, bool) {
	switch strings.ToUpper(s) {
	case "OPEN":
		return Open, true
	case "CLOSED":
		return Closed, true
	case "ACTIVE":
		return Active, true
	}
	return 0, false
}

func (p *parser) action(list *[]Action, t []string) error {
	if len(t) < 6 {
		return errors.New("too few items in action")
	}
	k, err := p.linkRef(t[2])
	if err != nil {
		return err
	}
	a := Action{Link: k, Setting: missing}
	if strings.EqualFold(t[3], "STATUS") {
		s, ok := statusWord(t[5])
		if !ok {
			return fmt.Errorf("unknown status %q", t[5])
		}
		a.Status = s
	} else if strings.EqualFold(t[3], "SETTING") {
		v, err := parseNum(t[5])
		if err != nil {
			return err
		}
		if v < 0 {
			return errors.New("negative setting")
		}
		a.Status, a.Setting = Active, v
	} else {
		return fmt.Errorf("unknown action %q", t[3])
	}
	if p.net.Links[k].Type == CVPipe {
		return errors.New("a check valve cannot be controlled")
	}
	*list = append(*list, a)
	return nil
}

// convertRule keeps rule values in user units, as EPANET compares them
// after converting the live value; nothing to do but keep the hook.
func (p *parser) convertRule(r *Rule) {}
