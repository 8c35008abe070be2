// Command twin is the citytwin command line: run scenarios, import cities,
// validate files, run the model solvers on their own, and benchmark.
//
// Exit codes: 0 success, 1 the run failed, 2 bad usage or invalid input.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// commands holds the constructors of the top-level subcommands. Each file
// of this package registers its own in an init function, so that adding a
// command touches only its file.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "twin",
		Short: "citytwin: a deterministic digital twin of a city's infrastructure",
		Long: `twin runs the citytwin digital twin: road traffic, parking, waste collection,
the electricity grid and the water network of one city, on one clock and one
seed, over OpenStreetMap geometry.

Exit codes: 0 success, 1 the run failed, 2 bad usage or invalid input.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError(err) })
	for _, newCmd := range commands {
		root.AddCommand(newCmd())
	}
	return root
}

func main() {
	os.Exit(execute(os.Args[1:]))
}

// execute runs the CLI with args and returns the process exit code.
func execute(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "twin:", err)
	return exitCode(err)
}

// exitErr carries an exit code with an error.
type exitErr struct {
	code int
	err  error
}

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }

// usageError marks err as bad usage or invalid input: exit code 2.
func usageError(err error) error {
	if err == nil {
		return nil
	}
	return &exitErr{code: 2, err: err}
}

// inputError marks err as invalid input (a file that does not parse, a
// scenario that does not validate): exit code 2.
func inputError(err error) error { return usageError(err) }

func exitCode(err error) int {
	var e *exitErr
	if errors.As(err, &e) {
		return e.code
	}
	// cobra's own argument and unknown-command errors are usage errors.
	if isCobraUsage(err) {
		return 2
	}
	return 1
}
