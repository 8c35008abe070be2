package mqtt

import (
	"bytes"
	"testing"

	"citytwin/engine/feed"
	"citytwin/engine/feed/codec"
)

// TestSubscriberPipeline: signed messages pass, forged and unsigned ones
// from keyed devices and readings of unknown sensors are counted and never
// queued; entities and scenario times are resolved.
func TestSubscriberPipeline(t *testing.T) {
	q := feed.NewQueue(16, feed.DropNewest)
	check := feed.NewChecker(nil)
	reg := feed.Registry{"bay-1": {Model: "parking", ID: "garage-A", Index: 3}, "bay-2": {Model: "parking", ID: "garage-A", Index: 4}}
	keys := feed.Keys{"bay-1": []byte("k1")}
	epoch := feed.Epoch(1_700_000_000_000_000)
	sub := NewSubscriber(Config{}, SubscriberOptions{Registry: reg, Keys: keys, Epoch: epoch}, q, check)

	msg := codec.AppendSenML(nil, "bay-1:", int64(epoch)+60e6, codec.SenMLRecord{Name: "status", Value: 1})
	signed, _ := feed.Sign("bay-1", keys["bay-1"], msg)
	sub.Handle("city/bay-1/senml", signed, 0)
	sub.Handle("city/bay-1/senml", bytes.Replace(signed, []byte(`"v":1`), []byte(`"v":0`), 1), 0) // forged
	sub.Handle("city/bay-1/senml", msg, 0)                                                        // unsigned from a keyed device
	sub.Handle("city/bay-2/senml", codec.AppendSenML(nil, "bay-2:", int64(epoch), codec.SenMLRecord{Name: "status", Value: 0}), 0)
	sub.Handle("city/bay-9/senml", codec.AppendSenML(nil, "bay-9:", int64(epoch), codec.SenMLRecord{Name: "status", Value: 0}), 0)
	sub.Handle("city/bay-2/senml", []byte(`[{"bn":"bay-2:"`), 0)

	got := q.Drain(nil, 16)
	if len(got) != 2 {
		t.Fatalf("queued %d observations, want 2: %+v", len(got), got)
	}
	o := got[0]
	if o.Entity.ID != "garage-A" || o.Entity.Index != 3 || o.Time != 60e6 || o.Quality&feed.QSigned == 0 || o.Value != 1 {
		t.Errorf("signed observation %+v", o)
	}
	c := check.Counts()
	if c.ByReason["signature"] != 2 || c.ByReason["unknown_sensor"] != 1 || c.ByReason["decode"] != 1 {
		t.Errorf("rejects %v, want 2 signature, 1 unknown sensor, 1 decode", c.ByReason)
	}
}
