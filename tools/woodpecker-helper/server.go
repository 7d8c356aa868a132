package main

// The protocol, on a unix socket. Every frame: u32 length of what follows, u8 op, u32 request id, body (little-endian).
// Requests: 1 create log (name) · 2 delete log (name: its data, see logdata.go) · 3 open writer (name) → u32 writer · 4 append (u32 writer,
// payload) → u64 segment, u64 entry, once durable · 5 close writer (u32) · 6 open reader (u8 from: 0 earliest,
// 1 latest; name) → u32 reader · 7 close reader (u32) · 8 describe → JSON · 9 bench (u32 bytes, u32 messages,
// u32 in flight; name): the helper writes that itself to a new log, with no socket in between → f64 seconds.
// Replies: op 0x80, the request's id, u8 status (0 ok, 1 error), then the result or the error's text.
// A reader pushes op 0x81 (its id as the request id, the payload) per message, and 0x82 (its id, error text) if it fails.

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"sync"
	"time"

	"github.com/zilliztech/woodpecker/woodpecker"
	"github.com/zilliztech/woodpecker/woodpecker/log"
)

const (
	opCreate      = 1
	opDelete      = 2
	opOpenWriter  = 3
	opAppend      = 4
	opCloseWriter = 5
	opOpenReader  = 6
	opCloseReader = 7
	opDescribe    = 8
	opBench       = 9
	opReply       = 0x80
	opMessage     = 0x81
	opReaderError = 0x82
	maxFrame      = 300 << 20
)

type server struct {
	client    woodpecker.Client
	describe  []byte
	removeLog logDataRemover
	mu        sync.Mutex
	writers   map[uint32]log.LogWriter
	readers   map[uint32]context.CancelFunc
	next      uint32
}

func newServer(client woodpecker.Client, describe []byte, removeLog logDataRemover) *server {
	return &server{client: client, describe: describe, removeLog: removeLog, writers: map[uint32]log.LogWriter{}, readers: map[uint32]context.CancelFunc{}}
}

// connection serialises the frames written to one client.
type connection struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (c *connection) send(op byte, id uint32, parts ...[]byte) {
	size := 5
	for _, part := range parts {
		size += len(part)
	}
	var header [9]byte
	binary.LittleEndian.PutUint32(header[0:], uint32(size))
	header[4] = op
	binary.LittleEndian.PutUint32(header[5:], id)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.w.Write(header[:])
	for _, part := range parts {
		c.w.Write(part)
	}
	c.w.Flush()
}

func (c *connection) reply(id uint32, result []byte, err error) {
	if err != nil {
		c.send(opReply, id, []byte{1}, []byte(err.Error()))
		return
	}
	c.send(opReply, id, []byte{0}, result)
}

func (s *server) serve(ctx context.Context, raw net.Conn) {
	defer raw.Close()
	conn := &connection{w: bufio.NewWriterSize(raw, 1<<20)}
	reader := bufio.NewReaderSize(raw, 1<<20)
	var header [9]byte
	// Appends are read into one buffer, reused: WriteAsync has copied the payload (it marshals the message) before
	// it returns, and frames are handled one at a time. Every other request gets a body of its own, since its
	// handler may still use it after the next frame is read.
	var appendBuffer []byte
	for {
		if _, err := io.ReadFull(reader, header[:]); err != nil {
			return
		}
		size := binary.LittleEndian.Uint32(header[0:])
		if size < 5 || size > maxFrame {
			return
		}
		op, id := header[4], binary.LittleEndian.Uint32(header[5:])
		var body []byte
		if op == opAppend {
			if cap(appendBuffer) < int(size-5) {
				appendBuffer = make([]byte, size-5)
			}
			body = appendBuffer[:size-5]
		} else {
			body = make([]byte, size-5)
		}
		if _, err := io.ReadFull(reader, body); err != nil {
			return
		}
		s.handle(ctx, conn, op, id, body)
	}
}

func u32(value uint32) []byte {
	out := make([]byte, 4)
	binary.LittleEndian.PutUint32(out, value)
	return out
}

func (s *server) handle(ctx context.Context, conn *connection, op byte, id uint32, body []byte) {
	switch op {
	case opCreate:
		go func() { conn.reply(id, nil, s.client.CreateLog(ctx, string(body))) }()
	case opDelete:
		// Woodpecker v0.1.29 does not delete logs ("not supported currently"): the helper removes the log's data.
		go func() {
			handle, err := s.client.OpenLog(ctx, string(body))
			if err == nil {
				err = s.removeLog(ctx, handle.GetId())
			}
			conn.reply(id, nil, err)
		}()
	case opOpenWriter:
		go func() {
			handle, err := s.client.OpenLog(ctx, string(body))
			if err != nil {
				conn.reply(id, nil, err)
				return
			}
			writer, err := handle.OpenLogWriter(ctx)
			if err != nil {
				conn.reply(id, nil, err)
				return
			}
			conn.reply(id, u32(s.add(func(n uint32) { s.writers[n] = writer })), nil)
		}()
	case opAppend:
		if len(body) < 4 {
			conn.reply(id, nil, errors.New("append: no writer id"))
			return
		}
		s.mu.Lock()
		writer := s.writers[binary.LittleEndian.Uint32(body)]
		s.mu.Unlock()
		if writer == nil {
			conn.reply(id, nil, errors.New("append: no such writer"))
			return
		}
		// WriteAsync copies the payload before it returns; the acknowledgement comes on the channel once durable.
		results := writer.WriteAsync(ctx, &log.WriteMessage{Payload: body[4:]})
		go func() {
			result := <-results
			if result.Err != nil {
				conn.reply(id, nil, result.Err)
				return
			}
			position := make([]byte, 16)
			binary.LittleEndian.PutUint64(position, uint64(result.LogMessageId.SegmentId))
			binary.LittleEndian.PutUint64(position[8:], uint64(result.LogMessageId.EntryId))
			conn.reply(id, position, nil)
		}()
	case opCloseWriter:
		s.mu.Lock()
		writer := s.writers[binary.LittleEndian.Uint32(body)]
		delete(s.writers, binary.LittleEndian.Uint32(body))
		s.mu.Unlock()
		go func() {
			if writer != nil {
				conn.reply(id, nil, writer.Close(ctx))
				return
			}
			conn.reply(id, nil, nil)
		}()
	case opOpenReader:
		go s.openReader(ctx, conn, id, body)
	case opCloseReader:
		s.mu.Lock()
		cancel := s.readers[binary.LittleEndian.Uint32(body)]
		delete(s.readers, binary.LittleEndian.Uint32(body))
		s.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		conn.reply(id, nil, nil)
	case opDescribe:
		conn.reply(id, s.describe, nil)
	case opBench:
		go func() {
			seconds, err := s.bench(ctx, body)
			out := make([]byte, 8)
			binary.LittleEndian.PutUint64(out, math.Float64bits(seconds))
			conn.reply(id, out, err)
		}()
	default:
		conn.reply(id, nil, fmt.Errorf("unknown op %d", op))
	}
}

func (s *server) add(put func(n uint32)) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	put(s.next)
	return s.next
}

func (s *server) openReader(ctx context.Context, conn *connection, id uint32, body []byte) {
	if len(body) < 1 {
		conn.reply(id, nil, errors.New("open reader: no start position"))
		return
	}
	name := string(body[1:])
	handle, err := s.client.OpenLog(ctx, name)
	if err != nil {
		conn.reply(id, nil, err)
		return
	}
	from := log.EarliestLogMessageID()
	if body[0] == 1 {
		from = log.LatestLogMessageID()
	}
	readerCtx, cancel := context.WithCancel(ctx)
	reader, err := handle.OpenLogReader(readerCtx, &from, fmt.Sprintf("mqbench-%d", id))
	if err != nil {
		cancel()
		conn.reply(id, nil, err)
		return
	}
	n := s.add(func(n uint32) { s.readers[n] = cancel })
	conn.reply(id, u32(n), nil)
	defer reader.Close(context.Background())
	for {
		message, err := reader.ReadNext(readerCtx)
		if err != nil {
			if readerCtx.Err() == nil {
				conn.send(opReaderError, n, []byte(err.Error()))
			}
			return
		}
		conn.send(opMessage, n, message.Payload)
	}
}

// closeAll closes every writer and stops every reader (on shutdown).
func (s *server) closeAll(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cancel := range s.readers {
		cancel()
	}
	for _, writer := range s.writers {
		_ = writer.Close(ctx)
	}
}

// describe is what the helper reports of Woodpecker's settings in force, for mqbench's manifest.
func describe(cfg any, storage string) []byte {
	out, _ := json.Marshal(map[string]any{"storage": storage, "config": cfg})
	return out
}

// bench writes `messages` entries of `size` bytes to a new log through Woodpecker's own writer, `inFlight` at a time,
// each counted once acknowledged: what Woodpecker does with no socket and no mqbench in between, for the ratio.
func (s *server) bench(ctx context.Context, body []byte) (float64, error) {
	if len(body) < 12 {
		return 0, errors.New("bench: want size, messages and in-flight")
	}
	size, messages, inFlight := binary.LittleEndian.Uint32(body), int(binary.LittleEndian.Uint32(body[4:])), int(binary.LittleEndian.Uint32(body[8:]))
	name := string(body[12:])
	if err := s.client.CreateLog(ctx, name); err != nil {
		return 0, err
	}
	handle, err := s.client.OpenLog(ctx, name)
	if err != nil {
		return 0, err
	}
	writer, err := handle.OpenLogWriter(ctx)
	if err != nil {
		return 0, err
	}
	defer writer.Close(context.Background())
	payload := make([]byte, size)
	for i := range payload {
		payload[i] = byte(i * 31)
	}
	slots := make(chan struct{}, inFlight)
	failures := make(chan error, 1)
	var wg sync.WaitGroup
	started := time.Now()
	for i := 0; i < messages; i++ {
		slots <- struct{}{}
		results := writer.WriteAsync(ctx, &log.WriteMessage{Payload: payload})
		wg.Add(1)
		go func() {
			defer wg.Done()
			if result := <-results; result.Err != nil {
				select {
				case failures <- result.Err:
				default:
				}
			}
			<-slots
		}()
	}
	wg.Wait()
	seconds := time.Since(started).Seconds()
	select {
	case err := <-failures:
		return 0, err
	default:
		return seconds, nil
	}
}
