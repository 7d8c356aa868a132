// kafka-reader is mqbench's Kafka consumer on confluent-kafka-go, the client Milvus's kafka mq consumes through
// (librdkafka via cgo). It reads one topic in a consumer group and streams every message to its parent on stdout,
// so that the Node worker only splits frames, where librdkafka's Node binding builds a JavaScript object and a copied
// Buffer per message (about 10 µs of the main thread for a 1 KiB message here).
//
// `kafka-reader --version` prints the client's versions as one JSON line and exits.
//
// Protocol. stdin: one JSON line (config below), then nothing; EOF (the parent closing it or dying) stops the
// reader, which commits its offsets, closes the consumer and exits 0. stdout: frames of a type byte and a
// little-endian uint32 length, then that many bytes:
//
//	'r' ready: subscribed (empty body)
//	'm' one message's value
//	'e' an error librdkafka reports that the consumer survives (text), 'x' a fatal one (text; the reader then exits 1)
//	'u' last, before a clean exit: the CPU the reader used, as JSON {"user": s, "system": s} (its parent counts it,
//	    /proc no longer can once it has exited)
//
// Frames are buffered and flushed whenever librdkafka has nothing more queued, so a tailing consumer sees each
// message at once and a backlog goes out in large writes. librdkafka's own log lines go to stderr.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync/atomic"
	"syscall"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// config is the first line of stdin.
type config struct {
	// Topic to read.
	Topic string `json:"topic"`
	// Properties are librdkafka's (bootstrap.servers, group.id, auto.offset.reset, fetch sizes, credentials).
	Properties map[string]interface{} `json:"properties"`
}

// flushBytes is how much a backlog read buffers before writing, whether or not librdkafka has more queued (a
// fetch response of small messages goes out in several writes, so the first of them waits little).
const flushBytes = 256 << 10

// directBytes is the size from which a value is written straight from librdkafka's copy, not through the buffer.
const directBytes = 64 << 10

// pollIdleMs is how long one poll waits when librdkafka has nothing queued (a stop is noticed within it).
const pollIdleMs = 50

func main() {
	// The reader must not outlive the process that reads its output, whatever kills that one.
	syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0)
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		_, librdkafka := kafka.LibraryVersion()
		version, _ := json.Marshal(map[string]string{"client": "confluent-kafka-go " + clientVersion(), "librdkafka": librdkafka})
		fmt.Println(string(version))
		return
	}
	out := bufio.NewWriterSize(os.Stdout, flushBytes+64*1024)
	if err := run(bufio.NewReader(os.Stdin), out); err != nil {
		writeFrame(out, 'x', []byte(err.Error()))
		out.Flush()
		fmt.Fprintln(os.Stderr, "kafka-reader:", err)
		os.Exit(1)
	}
	writeUsage(out)
	out.Flush()
}

// writeUsage appends the 'u' frame: the CPU this process has used.
func writeUsage(out *bufio.Writer) {
	var usage syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &usage) != nil {
		return
	}
	seconds := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	body, _ := json.Marshal(map[string]float64{"user": seconds(usage.Utime), "system": seconds(usage.Stime)})
	writeFrame(out, 'u', body)
}

func run(in *bufio.Reader, out *bufio.Writer) error {
	line, err := in.ReadBytes('\n')
	if err != nil && len(line) == 0 {
		return fmt.Errorf("no config on stdin: %w", err)
	}
	var cfg config
	if err := json.Unmarshal(line, &cfg); err != nil {
		return fmt.Errorf("config on stdin: %w", err)
	}
	if cfg.Topic == "" {
		return fmt.Errorf("config on stdin: no topic")
	}
	properties := kafka.ConfigMap{}
	for key, value := range cfg.Properties {
		// JSON numbers arrive as float64; librdkafka takes integers for its integer properties.
		if number, ok := value.(float64); ok && number == float64(int(number)) {
			value = int(number)
		}
		properties[key] = value
	}
	consumer, err := kafka.NewConsumer(&properties)
	if err != nil {
		return err
	}
	if err := consumer.Subscribe(cfg.Topic, nil); err != nil {
		consumer.Close()
		return err
	}
	writeFrame(out, 'r', nil)
	if err := out.Flush(); err != nil {
		consumer.Close()
		return err
	}
	var stopping atomic.Bool
	go func() {
		io.Copy(io.Discard, in)
		stopping.Store(true)
	}()
	err = consume(consumer, out, &stopping)
	if closeErr := consumer.Close(); err == nil {
		err = closeErr
	}
	return err
}

// consume writes every message until stopping is set or a fatal error.
func consume(consumer *kafka.Consumer, out *bufio.Writer, stopping *atomic.Bool) error {
	for !stopping.Load() {
		event := consumer.Poll(0)
		if event == nil {
			if err := out.Flush(); err != nil {
				return err
			}
			event = consumer.Poll(pollIdleMs)
			if event == nil {
				continue
			}
		}
		switch e := event.(type) {
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				writeFrame(out, 'e', []byte(e.TopicPartition.Error.Error()))
				continue
			}
			if len(e.Value) >= directBytes {
				// A large value goes out as it is, after what is buffered, rather than copied into the buffer first.
				writeHeader(out, 'm', len(e.Value))
				if err := out.Flush(); err != nil {
					return err
				}
				if _, err := os.Stdout.Write(e.Value); err != nil {
					return err
				}
				continue
			}
			writeFrame(out, 'm', e.Value)
			if out.Buffered() >= flushBytes {
				if err := out.Flush(); err != nil {
					return err
				}
			}
		case kafka.Error:
			if e.IsFatal() {
				return e
			}
			writeFrame(out, 'e', []byte(e.Error()))
		}
	}
	return nil
}

// clientVersion is confluent-kafka-go's module version, as this binary was built with it.
func clientVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, module := range info.Deps {
			if module.Path == "github.com/confluentinc/confluent-kafka-go/v2" {
				return module.Version
			}
		}
	}
	return "(unknown version)"
}

// writeFrame appends one frame to out (a write error shows at the next flush).
func writeFrame(out *bufio.Writer, kind byte, body []byte) {
	writeHeader(out, kind, len(body))
	out.Write(body)
}

// writeHeader appends a frame's header to out.
func writeHeader(out *bufio.Writer, kind byte, length int) {
	var header [5]byte
	header[0] = kind
	binary.LittleEndian.PutUint32(header[1:], uint32(length))
	out.Write(header[:])
}
