//go:build linux

package promtest

import "syscall"

// sysProcAttr makes the kernel kill Prometheus if the test process dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
