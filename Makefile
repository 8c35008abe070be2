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

# bench runs the benchmark suite (twin bench, bench/suite): every model's
# anchor comparison (SimPy and SUMO run here; EPANET's and MATPOWER's recorded
# figures, CVRPLIB best-known costs), the day run of the coupled scenario, the
# 1,000,000-trip traffic day on a 50,000-edge synthetic city, and the scaling
# curves, into ONE report, bench/report.md, with a PNG per curve beside it.
# It takes an hour or more; `twin bench --quick` (seconds) is what make test runs.
bench: build
	./$(BIN) bench --out bench/report.md --work .cache/bench -v

fuzz: setup
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=60s ./scenarios

clean:
	rm -rf bin .cache results
