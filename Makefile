# citytwin: the two commands of the quickstart are `make run` and `make test`.
# Both set up what is missing on a Debian/Ubuntu machine first.

GO        ?= go
BIN       := bin/twin
SCENARIO  ?= scenarios/osterbro.yaml
# Debian packages: the anchors the tests compare with (SUMO, osmium, SimPy),
# the MQTT broker the feed tests run against, and ebiten's X11/GL build and
# Xvfb run-time packages.
DEB_PKGS  := sumo sumo-tools osmium-tool python3-simpy mosquitto zlib1g-dev \
             xvfb xauth libgl1-mesa-dri libc6-dev libgl1-mesa-dev libxcursor-dev libxi-dev \
             libxinerama-dev libxrandr-dev libxxf86vm-dev libasound2-dev pkg-config
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
GOTEST    := $(GO) test -short -count=1 -timeout 40m

.PHONY: all setup deps build run test bench fuzz clean

all: build

# setup installs the Debian packages that are missing (nothing when all are
# there) and downloads the Go modules.
setup: .cache/deps-ok
	$(GO) mod download

.cache/deps-ok: Makefile
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p .cache && touch $@

# twin-viewer is the ebiten half of `twin view`, a program of its own because
# GLFW cannot start without a display and twin must run headless.
build: setup
	$(GO) build -o $(BIN) ./cmd/twin
	$(GO) build -o bin/twin-viewer ./viz/cmd/twin-viewer

run: build
	./$(BIN) run $(SCENARIO)

test: setup
	$(GO) vet ./...
	$(GOTEST) ./...

# bench runs the benchmark suite and the anchor comparisons (SimPy, SUMO,
# EPANET's and MATPOWER's recorded figures, CVRPLIB best-known costs) and
# writes the raw results under bench/results/; the reports bench/*.md quote
# them. It takes about an hour; SUMO at 10,000 trips takes the longest.
BENCH_OUT := bench/results
bench: build
	mkdir -p $(BENCH_OUT)
	$(GO) run ./bench/hold -out bench/engine.md
	$(GO) test -run '^$$' -bench . -benchtime 1s ./engine ./models/city ./models/grid ./models/internal/sparse \
	    ./engine/feed ./engine/feed/codec ./models/traffic | tee $(BENCH_OUT)/go-benchmarks.txt
	$(GO) test ./models/water -run '^$$' -bench HydraulicStep -benchtime 5x | tee $(BENCH_OUT)/water.txt
	$(GO) run ./bench/cvrp -sets A,B,P,CMT -time 2s | tee $(BENCH_OUT)/cvrp-abpcmt.md
	$(GO) run ./bench/cvrp -sets X -max-n 300 -time 30s | tee $(BENCH_OUT)/cvrp-x.md
	$(GO) run ./bench/cvrp -instances X-n1001-k43 -time 60s | tee $(BENCH_OUT)/cvrp-x1001.md
	$(GO) run ./bench/feed -broker mosquitto -duration 60s | tee $(BENCH_OUT)/feed.md
	$(GO) run ./bench/traffic -work .cache/traffic-bench | tee $(BENCH_OUT)/traffic.md
	/usr/bin/time -v ./$(BIN) run scenarios/osterbro-day.yaml --out results/osterbro-day 2>&1 | tee $(BENCH_OUT)/day.txt

fuzz: setup
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=60s ./scenarios

clean:
	rm -rf bin .cache results
