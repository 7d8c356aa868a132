// Command woodpecker-helper runs the real Woodpecker (github.com/zilliztech/woodpecker) for mqbench: an embedded etcd
// for its metadata, Woodpecker's embedded client over local disk or MinIO, and a small framed binary protocol on a
// unix socket through which mqbench creates logs, appends (answered on the durable acknowledgement) and reads. It
// passes payload bytes through untouched: timing and verification stay mqbench's. Built by `mqbench install
// woodpecker` from this source and Woodpecker's modules; never shipped as a binary (Woodpecker's server packages are
// AGPLv3/SSPL).
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/zilliztech/woodpecker/common/config"
	"github.com/zilliztech/woodpecker/woodpecker"
	"go.etcd.io/etcd/server/v3/embed"
)

func main() {
	socket := flag.String("socket", "", "unix socket to serve the protocol on")
	data := flag.String("data", "", "directory for etcd's data and local storage")
	configPath := flag.String("config", "", "woodpecker.yaml with the settings mqbench pins")
	storage := flag.String("storage", "local", "local or minio")
	minioBinary := flag.String("minio-binary", "", "with --storage minio: a minio binary to run as this helper's child")
	minioPort := flag.Int("minio-port", 9000, "MinIO port")
	bucket := flag.String("bucket", "mqbench", "MinIO bucket")
	flag.Parse()
	if *socket == "" || *data == "" || *configPath == "" {
		fail("--socket, --data and --config are required")
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()

	etcd, endpoint, err := startEtcd(filepath.Join(*data, "etcd"))
	if err != nil {
		fail("etcd: %v", err)
	}
	defer etcd.Close()

	cfg, err := config.NewConfiguration(*configPath)
	if err != nil {
		fail("config %s: %v", *configPath, err)
	}
	cfg.Etcd.Endpoints = []string{endpoint}
	cfg.Woodpecker.Storage.Type = *storage
	cfg.Woodpecker.Storage.RootPath = filepath.Join(*data, "woodpecker")
	if *storage == "minio" {
		cfg.Minio.Address = "127.0.0.1"
		cfg.Minio.Port = *minioPort
		cfg.Minio.BucketName = *bucket
		cfg.Minio.AccessKeyID = os.Getenv("WOODPECKER_MINIO_ACCESS_KEY")
		cfg.Minio.SecretAccessKey = os.Getenv("WOODPECKER_MINIO_SECRET_KEY")
		cfg.Minio.CreateBucket = true
		if *minioBinary != "" {
			minio, err := startMinio(*minioBinary, filepath.Join(*data, "minio"), *minioPort, cfg.Minio.AccessKeyID, cfg.Minio.SecretAccessKey)
			if err != nil {
				fail("minio: %v", err)
			}
			defer stopMinio(minio)
		}
	}
	client, err := woodpecker.NewEmbedClientFromConfig(ctx, cfg)
	if err != nil {
		fail("woodpecker client: %v", err)
	}

	_ = os.Remove(*socket)
	listener, err := net.Listen("unix", *socket)
	if err != nil {
		fail("listen %s: %v", *socket, err)
	}
	removeLog, err := newLogDataRemover(cfg, *storage)
	if err != nil {
		fail("MinIO client: %v", err)
	}
	server := newServer(client, describe(cfg, *storage), removeLog)
	go func() {
		<-ctx.Done()
		listener.Close()
	}()
	for {
		conn, err := listener.Accept()
		if err != nil {
			break
		}
		go server.serve(ctx, conn)
	}
	shutdown, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	server.closeAll(shutdown)
	_ = client.Close(shutdown)
	_ = woodpecker.StopEmbedLogStore()
}

// startEtcd starts an etcd in this process on free loopback ports and waits until it serves.
func startEtcd(dir string) (*embed.Etcd, string, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, "", err
	}
	cfg := embed.NewConfig()
	cfg.Dir = dir
	cfg.LogLevel = "error"
	client, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", ports[0]))
	peer, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", ports[1]))
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*client}, []url.URL{*client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*peer}, []url.URL{*peer}
	cfg.InitialCluster = fmt.Sprintf("%s=%s", cfg.Name, peer.String())
	etcd, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", err
	}
	select {
	case <-etcd.Server.ReadyNotify():
		return etcd, client.String(), nil
	case <-time.After(60 * time.Second):
		etcd.Close()
		return nil, "", fmt.Errorf("not ready after 60 s")
	}
}

func freePorts(count int) ([]int, error) {
	listeners := make([]net.Listener, 0, count)
	defer func() {
		for _, listener := range listeners {
			listener.Close()
		}
	}()
	ports := make([]int, 0, count)
	for i := 0; i < count; i++ {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, listener)
		ports = append(ports, listener.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "woodpecker-helper: "+format+"\n", args...)
	os.Exit(1)
}
