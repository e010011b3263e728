package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

// coldStart is one plugin start, measured the way Terraform starts a
// provider: go-plugin client with AutoMTLS, handshake line on stdout, gRPC
// dial, then GetProviderSchema.
type coldStart struct {
	handshake   time.Duration // process start -> handshake line read
	dialed      time.Duration // process start -> gRPC connection ready
	schema      time.Duration // process start -> GetProviderSchema answered
	cpu         time.Duration // the provider's CPU time (all threads) when the schema was served
	peakRSSKiB  int64         // VmHWM after the schema was served
	schemaBytes int           // size of the GetProviderSchema response
}

// rawPlugin hands back the gRPC connection: the tfplugin6 client types are
// internal to terraform-plugin-go, so the call is made with raw messages.
type rawPlugin struct {
	plugin.NetRPCUnsupportedPlugin
}

func (rawPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return errors.New("client only")
}

func (rawPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return conn, nil
}

func measureColdStart(binary string) (coldStart, error) {
	var cs coldStart
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "TF_LOG=", "TF_LOG_PROVIDER=")
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  6,
			MagicCookieKey:   "TF_PLUGIN_MAGIC_COOKIE",
			MagicCookieValue: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		},
		VersionedPlugins: map[int]plugin.PluginSet{6: {"provider": rawPlugin{}}},
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		Managed:          false,
		Logger:           hclog.NewNullLogger(),
		SyncStdout:       io.Discard,
		SyncStderr:       io.Discard,
		StartTimeout:     time.Minute,
	})
	defer client.Kill()

	start := time.Now()
	if _, err := client.Start(); err != nil {
		return cs, fmt.Errorf("start %s: %w", binary, err)
	}
	cs.handshake = time.Since(start)
	rpc, err := client.Client()
	if err != nil {
		return cs, fmt.Errorf("gRPC client: %w", err)
	}
	raw, err := rpc.Dispense("provider")
	if err != nil {
		return cs, fmt.Errorf("dispense: %w", err)
	}
	conn, ok := raw.(*grpc.ClientConn)
	if !ok {
		return cs, fmt.Errorf("unexpected client %T", raw)
	}
	cs.dialed = time.Since(start)
	// GetProviderSchema.Request has no fields; the response's fields are
	// kept as unknown fields of the Empty message.
	resp := &emptypb.Empty{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := conn.Invoke(ctx, "/tfplugin6.Provider/GetProviderSchema", &emptypb.Empty{}, resp); err != nil {
		return cs, fmt.Errorf("GetProviderSchema: %w", err)
	}
	cs.schema = time.Since(start)
	cs.schemaBytes = proto.Size(resp)

	if rc := client.ReattachConfig(); rc != nil {
		cs.peakRSSKiB, err = vmHWM(rc.Pid)
		if err != nil {
			return cs, err
		}
		cs.cpu, err = processCPUTime(rc.Pid)
		if err != nil {
			return cs, err
		}
	}
	return cs, nil
}

// processCPUTime is the CPU time the process's threads have run, from each
// thread's schedstat (nanoseconds, unlike the 10 ms ticks of stat). Unlike
// wall time it hardly grows with the machine's load, so it tells a start-up
// change from the noise of a shared machine.
func processCPUTime(pid int) (time.Duration, error) {
	paths, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(paths) == 0 {
		return 0, fmt.Errorf("no schedstat for process %d: %v", pid, err)
	}
	var sum time.Duration
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return 0, err
		}
		fields := strings.Fields(string(b))
		if len(fields) == 0 {
			return 0, fmt.Errorf("%s: empty", p)
		}
		ns, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", p, err)
		}
		sum += time.Duration(ns)
	}
	return sum, nil
}

// vmHWM is the process's peak resident set size in KiB.
func vmHWM(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// initTrace is one start's package initialisation, from the Go runtime's
// GODEBUG=inittrace=1 lines ("init <pkg> @<since start> ms, <clock> ms
// clock, <bytes> bytes, <allocs> allocs").
type initTrace struct {
	packages map[string]packageInit
	// done is when the last package's init ended, since process start.
	done time.Duration
}

type packageInit struct {
	clock         time.Duration
	bytes, allocs int64
}

// measureInit starts binary once with GODEBUG=inittrace=1 and no plugin
// handshake: package init runs as in a real start, then main refuses to
// serve and exits. Kept apart from measureColdStart so that writing the
// trace does not slow the starts that are timed.
func measureInit(binary string) (initTrace, error) {
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "TF_PLUGIN_MAGIC_COOKIE=", "TF_LOG=", "TF_LOG_PROVIDER=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	_ = cmd.Run() // Without the handshake cookie the plugin exits non-zero by design.
	trace := parseInitTrace(stderr.String())
	if len(trace.packages) == 0 {
		return trace, fmt.Errorf("%s printed no init trace", binary)
	}
	return trace, nil
}

func parseInitTrace(text string) initTrace {
	trace := initTrace{packages: map[string]packageInit{}}
	for line := range strings.SplitSeq(text, "\n") {
		var (
			pkg           string
			at, clock     float64
			bytes, allocs int64
		)
		if n, _ := fmt.Sscanf(line, "init %s @%f ms, %f ms clock, %d bytes, %d allocs", &pkg, &at, &clock, &bytes, &allocs); n != 5 {
			continue
		}
		p := trace.packages[pkg]
		p.clock += msDuration(clock)
		p.bytes += bytes
		p.allocs += allocs
		trace.packages[pkg] = p
		trace.done = max(trace.done, msDuration(at+clock))
	}
	return trace
}

func msDuration(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

// total is the sum of the init clocks of the packages keep selects.
func (t initTrace) total(keep func(pkg string) bool) time.Duration {
	var sum time.Duration
	for pkg, p := range t.packages {
		if keep(pkg) {
			sum += p.clock
		}
	}
	return sum
}
