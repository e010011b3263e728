//go:build unix

package tokenstore

import (
	"os"
	"syscall"
)

// openFlags open the token file without blocking: a FIFO put at the path
// would otherwise hang the open until a writer comes. The opened file's
// type is checked before anything is read.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK
