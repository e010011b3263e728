//go:build unix

package main

import (
	"os"
	"syscall"
)

// statsSignal asks a running double for its counts (kill -USR1), so
// scripts/demo.sh can show how many times the refresh token rotated.
var statsSignal os.Signal = syscall.SIGUSR1
