package engine

// ModelID is the index of a model in its Sim, in the order models were
// added. The kernel itself uses KernelID.
type ModelID uint8

// KernelID is the source of events the kernel schedules itself.
const KernelID ModelID = 255

// Kind is an event kind. Each model defines the kinds it handles; kinds
// shared between models (messages) are defined in msg.go.
type Kind uint16

// Phase orders simultaneous events: at equal times, a lower phase is
// dispatched first. Feeds correct the state before controls act, models
// move before solvers solve, and recorders see the settled state.
type Phase uint8

// The phases, in dispatch order.
const (
	PhaseFeed    Phase = 10 // sensor observations are assimilated
	PhaseMessage Phase = 20 // messages between models are delivered
	PhaseControl Phase = 30 // controls, policies, what-if changes
	PhaseModel   Phase = 40 // model dynamics (traffic steps, fills, arrivals)
	PhaseSolve   Phase = 50 // network solvers (hydraulics, ...)
	// PhaseSolveAfter is for solvers that take other solvers' results of
	// the same instant: the power flow runs after the hydraulics, so the
	// pumps' power of this instant is in it.
	PhaseSolveAfter Phase = 55
	PhaseRecord     Phase = 60 // sampling for output
)

// Event is one scheduled happening, dispatched to the Handle method of
// model Dst. Simultaneous events are ordered by (Phase, Src, Seq): Seq is
// the number of events Src had scheduled before this one, assigned by the
// kernel, so the order is total and independent of how the queue is built.
type Event struct {
	Time   Time
	Arg    int64   // payload, meaning set by Kind
	Val    float64 // payload, meaning set by Kind
	Seq    uint64  // assigned by the kernel
	Target int32   // entity index inside the destination model
	Kind   Kind
	Phase  Phase
	Src    ModelID // who scheduled it
	Dst    ModelID // whose Handle receives it

	periodic int32 // 1 + index of the periodic task that made it; 0 if none
}

// before reports whether a is dispatched before b.
func (a *Event) before(b *Event) bool {
	if a.Time != b.Time {
		return a.Time < b.Time
	}
	if a.Phase != b.Phase {
		return a.Phase < b.Phase
	}
	if a.Src != b.Src {
		return a.Src < b.Src
	}
	return a.Seq < b.Seq
}
