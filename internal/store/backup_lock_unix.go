//go:build unix

package store

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// lockFile takes a shared (serving) or exclusive (restoring) flock on path
// without waiting. A missing file (nothing to replace, or ":memory:") needs
// no lock.
func lockFile(path string, exclusive bool) (io.Closer, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return io.NopCloser(nil), nil
	}
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrInUse
		}
		return nil, err
	}
	return f, nil
}
