//go:build !unix

package telemetry

func unameRelease() string { return "" }
