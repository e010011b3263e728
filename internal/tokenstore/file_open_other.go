//go:build !unix

package tokenstore

import "os"

// openFlags: no FIFO can sit at a path outside Unix.
const openFlags = os.O_RDONLY
