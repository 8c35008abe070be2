package waste_test

import (
	"fmt"
	"strings"

	"citytwin/models/waste"
)

// A residential building of 2,000 m2 floor area houses about 50 people,
// whose 250 l of residual waste a day fill four 660 l containers to 66 %
// in a week.
func ExampleHouseholdContainers() {
	n, perDay := waste.HouseholdContainers(2000)
	fmt.Printf("%d containers, %.0f l a day\n", n, perDay)
	// Output: 4 containers, 250 l a day
}

// A bin register names each bin's position, volume and kind.
func ExampleReadBins() {
	csv := "id,lon,lat,volume_l,kind\n" +
		"kiosk,12.5770,55.7030,100,basket\n" +
		"block-7,12.5790,55.7041,1980,household\n"
	bins, err := waste.ReadBins(strings.NewReader(csv), "bins.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, b := range bins {
		fmt.Println(b.ID, b.Kind, b.VolumeL, b.Containers)
	}
	_, err = waste.ReadBins(strings.NewReader("id,lon,lat,volume_l,kind\nx,12.5,55.7,100,glass\n"), "bins.csv")
	fmt.Println(err)
	// Output:
	// kiosk basket 100 1
	// block-7 household 1980 3
	// waste: bad data: bins.csv:2:5: kind: waste: kind "glass": want basket, household or recycling
}
