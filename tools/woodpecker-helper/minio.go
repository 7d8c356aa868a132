package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// startMinio runs MinIO as this helper's child (so the helper's process tree is the whole broker: Woodpecker and
// its object store, measured and stopped together) and waits until it serves.
func startMinio(binary, dir string, port int, user, password string) (*exec.Cmd, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, "server", dir, "--address", fmt.Sprintf("127.0.0.1:%d", port), "--quiet")
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+user, "MINIO_ROOT_PASSWORD="+password, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	// Dies with the helper even if the helper is killed outright.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	url := fmt.Sprintf("http://127.0.0.1:%d/minio/health/live", port)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		response, err := http.Get(url)
		if err == nil {
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return cmd, nil
			}
		}
	}
	_ = cmd.Process.Kill()
	return nil, fmt.Errorf("MinIO at 127.0.0.1:%d not ready after 60 s", port)
}

// stopMinio asks MinIO to stop and waits for it (killing it after 10 s).
func stopMinio(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
	}
}
