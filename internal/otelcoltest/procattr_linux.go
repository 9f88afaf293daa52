//go:build linux

package otelcoltest

import "syscall"

// sysProcAttr makes the kernel kill the Collector if the test process dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
