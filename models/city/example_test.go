package city_test

import (
	"fmt"

	"citytwin/models/city"

	"github.com/paulmach/orb"
)

// Load an extract, snap two addresses to the road graph and route between
// them.
func ExampleRouter_Route() {
	c, err := city.Load("../../scenarios/data/osm/copenhagen_osterbro.osm.pbf")
	if err != nil {
		fmt.Println(err)
		return
	}
	from, _, _, _ := c.SnapLonLat(orb.Point{12.5770, 55.7040}) // Trianglen
	to, _, _, _ := c.SnapLonLat(orb.Point{12.5890, 55.7080})   // near Østerport
	r := city.NewRouter(c.Roads)
	path, costS, ok := r.Route(from, to, nil)
	fmt.Println(ok, len(path) > 2, costS > 60 && costS < 600)
	// Output: true true true
}
