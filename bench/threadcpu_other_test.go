//go:build !linux

package bench

import "time"

// threadCPU is the process's CPU time where a thread's is not available.
func threadCPU() time.Duration { return cpuTime() }
