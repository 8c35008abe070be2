package engine

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"slices"
)

// ErrCheckpoint is returned (wrapped) for a checkpoint that cannot be
// restored into this Sim.
var ErrCheckpoint = errors.New("engine: bad checkpoint")

const checkpointMagic = "CTWINCK1"

// kernelState is what the kernel itself saves.
type kernelState struct {
	Seed     uint64
	Now      Time
	Seq      []uint64
	Events   []savedEvent
	Periodic []periodicTask
	Streams  []savedStream
	Digest   digest
	Count    uint64
	Models   []string
	// Replay lists the models that could not save their state (they do
	// not implement Stater); such a checkpoint is restored by running the
	// same scenario and seed again up to Now (see CheckpointInfo).
	Replay []string
	// Label is the Sim's label (SetLabel) when the checkpoint was written;
	// checkpoints older than it read as "".
	Label string
}

type savedEvent struct {
	Event
	Periodic int32
}

type savedStream struct {
	Name  string
	State []byte
}

// Checkpoint writes the kernel state and then every model's state (models
// must implement Stater) to w. Restore in a fresh process, into a Sim
// built from the same scenario and initialised, continues the run bit for
// bit: same events, same draws, same digest.
func (s *Sim) Checkpoint(w io.Writer) error {
	ks := kernelState{Seed: s.seed, Now: s.now, Seq: s.seq[:], Digest: s.digest, Count: s.count,
		Periodic: s.periodic, Label: s.label}
	for _, ev := range s.queue.events() {
		ks.Events = append(ks.Events, savedEvent{Event: ev, Periodic: ev.periodic})
	}
	names := make([]string, 0, len(s.streams))
	for name := range s.streams {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		state, err := s.streams[name].src.MarshalBinary()
		if err != nil {
			return fmt.Errorf("engine: checkpoint stream %s: %w", name, err)
		}
		ks.Streams = append(ks.Streams, savedStream{Name: name, State: state})
	}
	for _, m := range s.models {
		ks.Models = append(ks.Models, m.Name())
		if _, ok := m.(Stater); !ok {
			ks.Replay = append(ks.Replay, m.Name())
		}
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(checkpointMagic); err != nil {
		return err
	}
	if err := writeSection(bw, func(w io.Writer) error { return gob.NewEncoder(w).Encode(&ks) }); err != nil {
		return fmt.Errorf("engine: checkpoint kernel: %w", err)
	}
	if len(ks.Replay) == 0 {
		for _, m := range s.models {
			if err := writeSection(bw, m.(Stater).SaveState); err != nil {
				return fmt.Errorf("engine: checkpoint %s: %w", m.Name(), err)
			}
		}
	}
	return bw.Flush()
}

// CheckpointInfo is what a checkpoint says about itself.
type CheckpointInfo struct {
	Seed   uint64
	Now    Time
	Events uint64
	Digest string
	Models []string
	// Replay names the models that did not save their state. When it is
	// not empty, Restore cannot load the checkpoint; instead the run is
	// rebuilt by running the same scenario and seed from the start to Now
	// (deterministic, so the state is the same), and the digest proves it.
	Replay []string
	Label  string // the writer's Sim label ("" when it had none)
}

// ReadCheckpointInfo reads the header of a checkpoint.
func ReadCheckpointInfo(r io.Reader) (CheckpointInfo, error) {
	ks, err := readKernel(bufio.NewReader(r))
	if err != nil {
		return CheckpointInfo{}, err
	}
	return CheckpointInfo{Seed: ks.Seed, Now: ks.Now, Events: ks.Count, Digest: ks.Digest.String(), Models: ks.Models, Replay: ks.Replay, Label: ks.Label}, nil
}

func readKernel(br *bufio.Reader) (*kernelState, error) {
	magic := make([]byte, len(checkpointMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != checkpointMagic {
		return nil, fmt.Errorf("%w: not a citytwin checkpoint", ErrCheckpoint)
	}
	sec, err := readSection(br)
	if err != nil {
		return nil, fmt.Errorf("%w: kernel: %v", ErrCheckpoint, err)
	}
	var ks kernelState
	if err := gob.NewDecoder(sec).Decode(&ks); err != nil {
		return nil, fmt.Errorf("%w: kernel: %v", ErrCheckpoint, err)
	}
	return &ks, nil
}

// writeSection writes a length-prefixed section produced by fill.
func writeSection(w io.Writer, fill func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := fill(&buf); err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(buf.Len()))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func readSection(r io.Reader) (*bytes.Reader, error) {
	var n [8]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.LittleEndian.Uint64(n[:])
	if size > 1<<34 {
		return nil, fmt.Errorf("section of %d bytes", size)
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, err
	}
	return bytes.NewReader(data), nil
}

// Restore replaces the Sim's state with a checkpoint written by
// Checkpoint. The Sim must hold the same models, in the same order, and
// have been initialised (Init schedules events and creates streams; the
// checkpoint replaces all of them).
func (s *Sim) Restore(r io.Reader) error {
	br := bufio.NewReader(r)
	ks, err := readKernel(br)
	if err != nil {
		return err
	}
	if err := s.checkCompatible(ks); err != nil {
		return err
	}
	if len(ks.Replay) > 0 {
		return fmt.Errorf("%w: models %v saved no state: rebuild by replay (ReadCheckpointInfo)", ErrCheckpoint, ks.Replay)
	}
	if err := s.restoreKernel(ks); err != nil {
		return err
	}
	for _, m := range s.models {
		sec, err := readSection(br)
		if err != nil {
			return fmt.Errorf("%w: model %s: %v", ErrCheckpoint, m.Name(), err)
		}
		st, ok := m.(Stater)
		if !ok {
			return fmt.Errorf("%w: model %s cannot load state", ErrCheckpoint, m.Name())
		}
		if err := st.LoadState(sec); err != nil {
			return fmt.Errorf("%w: model %s: %v", ErrCheckpoint, m.Name(), err)
		}
	}
	return nil
}

func (s *Sim) checkCompatible(ks *kernelState) error {
	if ks.Seed != s.seed {
		return fmt.Errorf("%w: seed %d, this run has %d", ErrCheckpoint, ks.Seed, s.seed)
	}
	if len(ks.Models) != len(s.models) || len(ks.Seq) != len(s.seq) {
		return fmt.Errorf("%w: %d models, this run has %d", ErrCheckpoint, len(ks.Models), len(s.models))
	}
	for i, name := range ks.Models {
		if s.models[i].Name() != name {
			return fmt.Errorf("%w: model %d is %s, this run has %s", ErrCheckpoint, i, name, s.models[i].Name())
		}
	}
	for _, ev := range ks.Events {
		if int(ev.Periodic) > len(ks.Periodic) || int(ev.Dst) >= len(s.models) && ev.Dst != KernelID {
			return fmt.Errorf("%w: event refers to unknown process or model", ErrCheckpoint)
		}
	}
	return nil
}

func (s *Sim) restoreKernel(ks *kernelState) error {
	s.now = ks.Now
	copy(s.seq[:], ks.Seq)
	s.digest = ks.Digest
	s.count = ks.Count
	s.periodic = ks.Periodic
	s.queue.reset()
	for _, se := range ks.Events {
		ev := se.Event
		ev.periodic = se.Periodic
		s.queue.push(ev)
	}
	for _, ss := range ks.Streams {
		s.Stream(ss.Name) // create if the models have not yet
		if err := s.streams[ss.Name].src.UnmarshalBinary(ss.State); err != nil {
			return fmt.Errorf("%w: stream %s: %v", ErrCheckpoint, ss.Name, err)
		}
	}
	return nil
}
