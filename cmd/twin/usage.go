package main

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"
)

// isCobraUsage recognises the errors cobra itself returns for bad usage
// (unknown command, wrong number of arguments), which carry no type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "received ", "unknown flag", "unknown shorthand", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		return usageError(cobra.ExactArgs(n)(cmd, args))
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
