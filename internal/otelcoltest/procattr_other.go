//go:build !linux

package otelcoltest

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
