//go:build unix

package headers

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the helper in its own process group and makes the
// timeout kill the whole group, so "sh -c 'sleep 100'" leaves no sleeper.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
