package waste

import (
	"errors"
	"strings"
	"testing"
)

func TestReadBins(t *testing.T) {
	t.Parallel()
	good := "id,lon,lat,volume_l,kind\nb1,12.575,55.703,100,basket\n# comment\nh1,12.58,55.704,1320,household\nr1,12.57,55.70,2500,recycling\n"
	bins, err := ReadBins(strings.NewReader(good), "bins.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(bins) != 3 || bins[1].Containers != 2 || bins[1].Kind != Household || bins[2].VolumeL != 2500 || bins[0].LonLat[1] != 55.703 {
		t.Fatalf("read %+v", bins)
	}
	if err := SnapBins(testCity(t), bins, 500); err != nil {
		t.Fatal(err)
	}
	if bins[0].Edge < 0 {
		t.Errorf("bin not snapped: %+v", bins[0])
	}
	far := []Bin{{ID: "far", LonLat: [2]float64{0, 0}}}
	if err := SnapBins(testCity(t), far, 500); err == nil || !strings.Contains(err.Error(), "far") {
		t.Errorf("far bin: %v", err)
	}
	bad := []struct{ name, in, want string }{
		{"no header", "", "no header"},
		{"missing column", "id,lon,lat,kind\n", `missing column "volume_l"`},
		{"bad lat", "id,lon,lat,volume_l,kind\nb1,12.5,95,100,basket\n", "bins.csv:2:3: lat"},
		{"bad kind", "id,lon,lat,volume_l,kind\nb1,12.5,55,100,skip\n", "bins.csv:2:5: kind"},
		{"short row", "id,lon,lat,volume_l,kind\nb1,12.5\n", "bins.csv:2:3: lat: missing"},
		{"zero volume", "id,lon,lat,volume_l,kind\nb1,12.5,55,0,basket\n", "bins.csv:2:4: volume_l"},
		{"duplicate", "id,lon,lat,volume_l,kind\nb1,12.5,55,1,basket\nb1,12.5,55,1,basket\n", "bins.csv:3:1: id \"b1\" already on line 2"},
		{"empty id", "id,lon,lat,volume_l,kind\n,12.5,55,1,basket\n", "bins.csv:2:1: id: empty"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadBins(strings.NewReader(c.in), "bins.csv")
			if !errors.Is(err, ErrData) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an ErrData containing %q", err, c.want)
			}
		})
	}
}

func FuzzReadBins(f *testing.F) {
	f.Add("id,lon,lat,volume_l,kind\nb1,12.575,55.703,100,basket\n")
	f.Add("kind,volume_l,lat,lon,id\nrecycling,2500,55.7,12.5,x\n")
	f.Add("id,lon,lat,volume_l,kind\nb1,NaN,1e400,-1,household\n")
	f.Fuzz(func(t *testing.T, in string) {
		bins, err := ReadBins(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			if !errors.Is(err, ErrData) {
				t.Fatalf("error without ErrData: %v", err)
			}
			return
		}
		for _, b := range bins {
			if b.ID == "" || !(b.VolumeL > 0) || b.Kind >= numKinds || b.Containers < 1 {
				t.Fatalf("accepted a bad bin %+v", b)
			}
		}
	})
}

func FuzzReadCollections(f *testing.F) {
	f.Add("site_id,collected_at_local,fill_before_pct\n325048,2016-08-09 15:46:34,78\n")
	f.Add("fill_before_pct,site_id,collected_at_local\n100,1,2016-13-01 00:00:00\n")
	f.Fuzz(func(t *testing.T, in string) {
		es, err := ReadCollections(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			if !errors.Is(err, ErrData) {
				t.Fatalf("error without ErrData: %v", err)
			}
			return
		}
		_ = Replay(es, 0.8, 0.65, 1)
	})
}
