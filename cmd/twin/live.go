package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"citytwin/engine/feed"
	"citytwin/engine/feed/mqtt"
	"citytwin/engine/record"
	"citytwin/scenarios"
)

func init() { register(newLiveCmd) }

// liveFlags are twin live's flags.
type liveFlags struct {
	out, format, broker, auditPath, operator, whatIf string
	speed                                            float64
	forkEvery, horizon, forDur, publish              string
	view                                             bool
	ca, cert, key, username                          string
}

func newLiveCmd() *cobra.Command {
	var fl liveFlags
	cmd := &cobra.Command{
		Use:   "live SCENARIO",
		Short: "Run a scenario as a live twin fed by its sensors, forking look-aheads",
		Long: `Run a scenario paced to the wall clock (--speed times real time) as the
city's live mirror: subscribe to the scenario's MQTT feeds (feeds: entries
with mqtt:), check every message (plausibility, duplicates, signatures) and
assimilate the good ones into the models every 20 ms of simulated time. Recorded
feeds (replay:) play at their times as in twin run. The scenario's changes:
are not applied to the mirror: they are the forks' overlay.

Without --broker, an embedded MQTT broker is started on loopback and its URL
printed, so that devices (or the virtual ones) can publish to it.

Every --publish of simulated time the mirror's tables and manifest.json are
written to OUT (atomically, as twin run writes them), so that
'twin-viewer --follow OUT' (--view starts it) shows the city as it goes.

Forks: every --fork-every of simulated time, and whenever the process gets
SIGUSR1 (kill -USR1 PID), the mirror is checkpointed, restored into a second
simulation with the overlay (the scenario's changes, or --what-if
VARIANT.yaml), run --horizon ahead as fast as it goes while the mirror keeps
running, and written to OUT/forks/<simulated local time>/ like a twin run.
One fork runs at a time; a fork due while one runs is skipped and said so.
Every fork and overlay is appended to the audit log (--audit, default
OUT/audit.jsonl) with who (--operator, default $USER), when and what.

TLS: --ca (broker CA, PEM), --cert and --key (client certificate); user name
--username, password from the environment variable TWIN_MQTT_PASSWORD.
Credentials are never printed or logged.

--for bounds the run in simulated time (default: the scenario's duration);
Ctrl-C stops it early. Either way running forks are waited for and the
mirror's results written a last time.`,
		Example: `  twin live scenarios/osterbro-live.yaml
  twin live scenarios/osterbro-live.yaml --speed 60 --fork-every 15m --horizon 2h --view
  twin live scenarios/osterbro-live.yaml --broker ssl://mqtt.city.example:8883 --ca ca.pem \
      --username twin --what-if scenarios/osterbro-close-osterbrogade.yaml --operator alice
  kill -USR1 $(pidof twin)    # fork now`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runLive(cmd, args[0], fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.out, "out", "", "results folder of the mirror (default: the scenario's outputs.dir or results/NAME)")
	f.StringVar(&fl.format, "format", "", "table format: arrow, parquet or csv (default: the scenario's)")
	f.StringVar(&fl.broker, "broker", "", "MQTT broker URL, tcp://host:1883 or ssl://host:8883 (default: an embedded broker on loopback)")
	f.Float64Var(&fl.speed, "speed", 1, "simulated seconds per wall-clock second")
	f.StringVar(&fl.forkEvery, "fork-every", "", "fork a look-ahead this often in simulated time, like 15m (default: only on SIGUSR1)")
	f.StringVar(&fl.horizon, "horizon", "2h", "how far each fork runs ahead")
	f.StringVar(&fl.forDur, "for", "", "stop after this much simulated time (default: the scenario's duration)")
	f.StringVar(&fl.publish, "publish", "1m", "write the mirror's tables and manifest this often in simulated time")
	f.StringVar(&fl.whatIf, "what-if", "", "variant scenario whose changes the forks apply (default: the scenario's own changes)")
	f.StringVar(&fl.auditPath, "audit", "", "append-only audit log (default OUT/audit.jsonl)")
	f.StringVar(&fl.operator, "operator", "", "who is operating, for the audit log (default $USER)")
	f.BoolVar(&fl.view, "view", false, "start the viewer ($TWIN_VIEWER or bin/twin-viewer) with --follow OUT once the mirror's first results are written")
	f.StringVar(&fl.ca, "ca", "", "PEM file of the CA that signed the broker's certificate")
	f.StringVar(&fl.cert, "cert", "", "PEM client certificate (with --key)")
	f.StringVar(&fl.key, "key", "", "PEM client key (with --cert)")
	f.StringVar(&fl.username, "username", "", "MQTT user name (password from $TWIN_MQTT_PASSWORD)")
	return cmd
}

// runLive parses the flags into scenarios.LiveOptions and runs.
func runLive(cmd *cobra.Command, path string, fl liveFlags) error {
	sc, err := scenarios.Load(path)
	if err != nil {
		return inputError(err)
	}
	opt, err := fl.options(sc)
	if err != nil {
		return err
	}
	if opt.Out == "" {
		opt.Out = sc.Outputs.Dir
		if opt.Out == "" {
			opt.Out = filepath.Join("results", sc.Name)
		}
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return err
	}
	auditPath := fl.auditPath
	if auditPath == "" {
		auditPath = filepath.Join(opt.Out, "audit.jsonl")
	}
	audit, err := feed.OpenAudit(auditPath)
	if err != nil {
		return usageError(err)
	}
	defer audit.Close()
	opt.Audit = audit
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	forkNow := make(chan struct{}, 1)
	usr1 := make(chan os.Signal, 1)
	signal.Notify(usr1, syscall.SIGUSR1)
	defer signal.Stop(usr1)
	go relay(ctx, usr1, forkNow)
	opt.ForkNow = forkNow
	opt.Log = cmd.OutOrStdout()
	if fl.view {
		opt.OnPublish = viewerStarter(cmd)
	}
	fmt.Fprintf(opt.Log, "live %s: pid %d, %gx real time, operator %s, audit %s (kill -USR1 %d forks now)\n",
		sc.Name, os.Getpid(), opt.Speed, opt.Operator, auditPath, os.Getpid())
	res, err := scenarios.Live(ctx, sc, opt)
	if err != nil {
		if isInvalid(err) {
			return inputError(err)
		}
		return err
	}
	fmt.Fprintf(opt.Log, "stopped at %s: %d MQTT messages, %d forks, results in %s\n",
		res.Manifest.SimEnd, res.Messages, len(res.Forks), res.Dir)
	return nil
}

// relay turns SIGUSR1 into fork requests until ctx is done.
func relay(ctx context.Context, sig <-chan os.Signal, fork chan<- struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sig:
			select {
			case fork <- struct{}{}:
			default: // one request pending is enough
			}
		}
	}
}

// options turns the flags into LiveOptions; bad values are usage errors.
func (fl liveFlags) options(sc *scenarios.Scenario) (scenarios.LiveOptions, error) {
	opt := scenarios.LiveOptions{Out: fl.out, Format: fl.format, Speed: fl.speed, Version: Version, Operator: fl.operator}
	if opt.Operator == "" {
		opt.Operator = os.Getenv("USER")
	}
	if fl.speed <= 0 {
		return opt, usageError(fmt.Errorf("--speed %v: want a positive factor", fl.speed))
	}
	if fl.format != "" {
		if _, err := record.ParseFormat(fl.format); err != nil {
			return opt, usageError(fmt.Errorf("--format: %w", err))
		}
	}
	for _, d := range []struct {
		name, val string
		dst       *time.Duration
	}{{"fork-every", fl.forkEvery, &opt.ForkEvery}, {"horizon", fl.horizon, &opt.Horizon}, {"for", fl.forDur, &opt.For}, {"publish", fl.publish, &opt.Publish}} {
		if d.val == "" {
			continue
		}
		v, err := scenarios.ParseDuration(d.val)
		if err != nil || v <= 0 {
			return opt, usageError(fmt.Errorf("--%s %q: want a positive duration like 15m", d.name, d.val))
		}
		*d.dst = v
	}
	if fl.whatIf != "" {
		w, err := scenarios.Load(fl.whatIf)
		if err != nil {
			return opt, inputError(fmt.Errorf("--what-if: %w", err))
		}
		opt.WhatIf = w
	}
	cfg, err := fl.mqttConfig()
	if err != nil {
		return opt, err
	}
	opt.MQTT = cfg
	return opt, nil
}

// mqttConfig is the broker connection of the flags, the password from
// $TWIN_MQTT_PASSWORD.
func (fl liveFlags) mqttConfig() (mqtt.Config, error) {
	cfg := mqtt.Config{Broker: fl.broker, Username: fl.username, Password: os.Getenv("TWIN_MQTT_PASSWORD")}
	if fl.broker != "" {
		b, err := mqtt.ParseBroker(fl.broker)
		if err != nil {
			return cfg, usageError(fmt.Errorf("--broker: %w", err))
		}
		cfg.Broker = b
	}
	if fl.ca == "" && fl.cert == "" && fl.key == "" {
		return cfg, nil
	}
	if (fl.cert == "") != (fl.key == "") {
		return cfg, usageError(errors.New("--cert and --key go together"))
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if fl.ca != "" {
		pem, err := os.ReadFile(fl.ca)
		if err != nil {
			return cfg, inputError(fmt.Errorf("--ca: %w", err))
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return cfg, inputError(fmt.Errorf("--ca %s: no PEM certificate in it", fl.ca))
		}
	}
	if fl.cert != "" {
		pair, err := tls.LoadX509KeyPair(fl.cert, fl.key)
		if err != nil {
			return cfg, inputError(fmt.Errorf("--cert/--key: %w", err))
		}
		tc.Certificates = []tls.Certificate{pair}
	}
	cfg.TLS = tc
	return cfg, nil
}

// viewerStarter returns an OnPublish that starts the viewer following the
// results folder once, after the mirror's first write.
func viewerStarter(cmd *cobra.Command) func(dir string) {
	var once sync.Once
	return func(dir string) {
		once.Do(func() {
			bin := viewerBinary()
			v := exec.Command(bin, "--follow", dir)
			v.Stdout, v.Stderr = cmd.OutOrStdout(), cmd.ErrOrStderr()
			if err := v.Start(); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "twin live: --view: %s: %v (build it with make viewer)\n", bin, err)
				return
			}
			go v.Wait() //nolint:errcheck // the viewer's exit does not stop the twin
			fmt.Fprintf(cmd.OutOrStdout(), "viewer %s following %s (pid %d)\n", bin, dir, v.Process.Pid)
		})
	}
}

// viewerBinary is $TWIN_VIEWER, else twin-viewer beside this executable,
// else bin/twin-viewer.
func viewerBinary() string {
	if v := os.Getenv("TWIN_VIEWER"); v != "" {
		return v
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "twin-viewer")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join("bin", "twin-viewer")
}
