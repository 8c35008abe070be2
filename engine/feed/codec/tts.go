package codec

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"citytwin/engine/feed"
)

// ttsUplink is the part of a The Things Stack (v3) uplink message we read.
type ttsUplink struct {
	EndDeviceIDs struct {
		DeviceID string `json:"device_id"`
		DevEUI   string `json:"dev_eui"`
	} `json:"end_device_ids"`
	ReceivedAt    string `json:"received_at"`
	UplinkMessage *struct {
		DecodedPayload map[string]json.RawMessage `json:"decoded_payload"`
		RxMetadata     []struct {
			Time string `json:"time"`
		} `json:"rx_metadata"`
		ReceivedAt string `json:"received_at"`
	} `json:"uplink_message"`
}

// TTS decodes a The Things Stack uplink message: each numeric or boolean
// field of uplink_message.decoded_payload becomes one observation, in
// sorted field order, with quantity = field name and unit from units (may
// be nil). The sensor is end_device_ids.device_id (or dev_eui). The time
// is the first gateway's rx_metadata time, else uplink_message.received_at,
// else received_at.
func TTS(dst []feed.Observation, payload []byte, units map[string]string, in *feed.Interner) ([]feed.Observation, error) {
	var up ttsUplink
	if err := json.Unmarshal(payload, &up); err != nil {
		return dst, fmt.Errorf("%w: tts: %v", ErrPayload, err)
	}
	dev := up.EndDeviceIDs.DeviceID
	if dev == "" {
		dev = up.EndDeviceIDs.DevEUI
	}
	if dev == "" {
		return dst, fmt.Errorf("%w: tts: no end_device_ids.device_id", ErrPayload)
	}
	if up.UplinkMessage == nil || up.UplinkMessage.DecodedPayload == nil {
		return dst, fmt.Errorf("%w: tts: %s: no uplink_message.decoded_payload", ErrPayload, dev)
	}
	at, err := ttsTime(&up)
	if err != nil {
		return dst, fmt.Errorf("%w: tts: %s: %v", ErrPayload, dev, err)
	}
	keys := make([]string, 0, len(up.UplinkMessage.DecodedPayload))
	for k := range up.UplinkMessage.DecodedPayload {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		raw := up.UplinkMessage.DecodedPayload[k]
		var v float64
		var b bool
		switch {
		case json.Unmarshal(raw, &v) == nil:
		case json.Unmarshal(raw, &b) == nil:
			if b {
				v = 1
			}
		default:
			continue // strings, objects: not a reading
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		dst = append(dst, feed.Observation{Sensor: in.String(dev), Quantity: in.String(k), Unit: in.String(units[k]),
			Value: v, UnixMicro: at, Quality: feed.QAbsoluteTime})
	}
	return dst, nil
}

func ttsTime(up *ttsUplink) (int64, error) {
	um := up.UplinkMessage
	for _, s := range []string{firstRxTime(um.RxMetadata), um.ReceivedAt, up.ReceivedAt} {
		if s != "" {
			return parseTime(s)
		}
	}
	return 0, fmt.Errorf("no time")
}

func firstRxTime(md []struct {
	Time string `json:"time"`
}) string {
	if len(md) > 0 {
		return md[0].Time
	}
	return ""
}
