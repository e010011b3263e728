//go:build !unix

package main

import "os"

// statsSignal: no user signal outside Unix; the counts are not served.
var statsSignal os.Signal
