package replay_test

import (
	"fmt"
	"strings"
	"time"

	"citytwin/engine/feed/replay"
)

// A garage feed in local Danish time, newest row first, with a broken row:
// the recording comes out in time order, relative to scenario time 0, and
// the bad row is counted with its file and line.
func ExampleRead() {
	csv := `vehiclecount,updatetime,totalspaces,garagecode
120,2014-05-22 09:39:01.803,130,BUSGADEHUSET
x,2014-05-22 09:20:00.000,130,BUSGADEHUSET
124,2014-05-22 09:09:04.145,130,BUSGADEHUSET
`
	m := replay.Mapping{
		Name:   "garages",
		File:   "garages.csv",
		Time:   replay.TimeColumn{Column: "updatetime", Format: "2006-01-02 15:04:05", Zone: "Europe/Copenhagen"},
		Sensor: []string{"garagecode"},
		Entity: replay.EntityMap{Model: "parking"},
		Values: []replay.ValueMap{{Column: "vehiclecount", Quantity: "occupancy", Unit: "count"}},
	}
	start := time.Date(2014, 5, 22, 7, 0, 0, 0, time.UTC) // 09:00 in Aarhus
	rec, err := replay.Read(m, strings.NewReader(csv), "garages.csv", start)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range rec.Obs {
		fmt.Println(o.Time, o.Entity.Model, o.Entity.ID, o.Quantity, o.Value)
	}
	fmt.Println(rec.Bad.Examples[0])
	// Output:
	// 00:09:04.145000 parking BUSGADEHUSET occupancy 124
	// 00:39:01.803000 parking BUSGADEHUSET occupancy 120
	// garages.csv:3: bad_value: column vehiclecount: "x"
}
