package water

import (
	"fmt"
	"os"

	"citytwin/engine/record"
)

// Results collects the reporting-period rows of a run as two long tables
// (nodes and links) in the network's own units, the columns of EPANET's
// node and link results.
type Results struct {
	nodeTime                                               []int64
	nodeID, nodeType                                       []string
	nodeDemand, nodeHead, nodePressure, nodeQual           []float64
	linkTime                                               []int64
	linkID, linkType, linkStatus                           []string
	linkFlow, linkVel, linkHeadloss, linkSetting, linkQual []float64
	units                                                  Units
}

// Record appends the current state of s as the rows of time s.Time().
func (r *Results) Record(s *Simulator) {
	t := s.Time()
	r.units = s.net.Options.Units
	for i := range s.net.Nodes {
		nd := &s.net.Nodes[i]
		r.nodeTime = append(r.nodeTime, t)
		r.nodeID = append(r.nodeID, nd.ID)
		r.nodeType = append(r.nodeType, nd.Type.String())
		r.nodeDemand = append(r.nodeDemand, s.NodeDemand(i))
		r.nodeHead = append(r.nodeHead, s.NodeHead(i))
		r.nodePressure = append(r.nodePressure, s.NodePressure(i))
		r.nodeQual = append(r.nodeQual, s.NodeQuality(i))
	}
	for k := range s.net.Links {
		l := &s.net.Links[k]
		r.linkTime = append(r.linkTime, t)
		r.linkID = append(r.linkID, l.ID)
		r.linkType = append(r.linkType, l.Type.String())
		r.linkFlow = append(r.linkFlow, s.LinkFlow(k))
		r.linkVel = append(r.linkVel, s.LinkVelocity(k))
		r.linkHeadloss = append(r.linkHeadloss, s.LinkHeadloss(k))
		st := "CLOSED"
		if s.LinkOpen(k) {
			st = "OPEN"
		}
		r.linkStatus = append(r.linkStatus, st)
		r.linkSetting = append(r.linkSetting, s.LinkSetting(k))
		r.linkQual = append(r.linkQual, s.LinkQuality(k))
	}
}

func (r *Results) unitNames() (flow, length, pressure, velocity string) {
	u := r.units
	flow, length, velocity = u.Flow, "ft", "ft/s"
	if u.SI {
		length, velocity = "m", "m/s"
	}
	pressure = [...]string{"psi", "kPa", "m", "bar", "ft"}[u.Pressure]
	return
}

// Periods is the number of reporting periods recorded.
func (r *Results) Periods() int {
	n := 0
	for i, t := range r.nodeTime {
		if i == 0 || t != r.nodeTime[i-1] {
			n++
		}
	}
	return n
}

// Tables returns the node and link tables.
func (r *Results) Tables() (nodes, links *record.Table) {
	flow, length, pressure, velocity := r.unitNames()
	nodes = record.NewTable("nodes")
	nodes.Int("time_s", "s", r.nodeTime)
	nodes.Str("node_id", r.nodeID)
	nodes.Str("node_type", r.nodeType)
	nodes.Float("demand", flow, r.nodeDemand)
	nodes.Float("head", length, r.nodeHead)
	nodes.Float("pressure", pressure, r.nodePressure)
	nodes.Float("quality", "", r.nodeQual)
	links = record.NewTable("links")
	links.Int("time_s", "s", r.linkTime)
	links.Str("link_id", r.linkID)
	links.Str("link_type", r.linkType)
	links.Float("flow", flow, r.linkFlow)
	links.Float("velocity", velocity, r.linkVel)
	links.Float("headloss", length, r.linkHeadloss)
	links.Str("status", r.linkStatus)
	links.Float("setting", "", r.linkSetting)
	links.Float("quality", "", r.linkQual)
	return nodes, links
}

// Write writes DIR/nodes.<ext> and DIR/links.<ext>.
func (r *Results) Write(dir string, f record.Format) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	nodes, links := r.Tables()
	if _, err := record.WriteTable(dir, nodes, f); err != nil {
		return err
	}
	_, err := record.WriteTable(dir, links, f)
	return err
}

// SimulateFile runs the network in path over duration seconds (KeepDuration
// for the file's own) and returns the results of every reporting period,
// with the warnings raised. Input errors wrap ErrInput.
func SimulateFile(path string, duration int64) (*Results, []Warning, error) {
	net, err := Load(path)
	if err != nil {
		return nil, nil, err
	}
	so := DefaultSimOptions()
	so.Duration = duration
	sim, err := NewSimulator(net, so)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	res := &Results{}
	err = sim.Run(func(int64) error { res.Record(sim); return nil })
	if err != nil {
		return res, sim.Warnings, fmt.Errorf("%s: %w", path, err)
	}
	return res, sim.Warnings, nil
}
