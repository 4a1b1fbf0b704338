using System.CommandLine;
using System.Globalization;
using HubApp.Cli;
using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Bench;

/// <summary><c>HubApp.Bench</c>: load against any host that speaks the contract, or a comparison with plain SignalR.</summary>
internal static class BenchCommand
{
    private static readonly Option<Uri> Server = CommonOptions.Server();
    private static readonly Option<bool> NoAuth = new("--no-auth") { Description = "The host takes no token (the plain SignalR baseline)." };
    private static readonly Option<int?> ServerPid = new("--server-pid") { Description = "The host's process id on this machine, for its CPU and memory figures." };
    private static readonly Option<string[]> AlsoServers = new("--also-server") { Description = "Further nodes of the same deployment (repeatable): clients are spread over all of them in turn." };
    private static readonly Option<int[]> AlsoPids = new("--also-server-pid") { Description = "Process ids of the further nodes, for CPU and memory figures (summed)." };
    private static readonly Option<int> Rooms = new("--rooms") { Description = "Rooms in the fan-out.", DefaultValueFactory = _ => 50 };
    private static readonly Option<int> Members = new("--members") { Description = "Members per room.", DefaultValueFactory = _ => 20 };
    private static readonly Option<int> Window = new("--window") { Description = "Sends each room's sender keeps outstanding.", DefaultValueFactory = _ => 10 };
    private static readonly Option<double> Warmup = new("--warmup") { Description = "Seconds of load before measuring (connect rounds for idle): the JIT tiers the hot code up in this time.", DefaultValueFactory = _ => 30 };
    private static readonly Option<double> Duration = new("--duration") { Description = "Seconds measured.", DefaultValueFactory = _ => 15 };
    private static readonly Option<double?> Rate = new("--rate") { Description = "Offered deliveries per second (paced sends) instead of saturation." };
    private static readonly Option<int> Connections = new("--connections") { Description = "Idle connections to open.", DefaultValueFactory = _ => 19_000 };
    private static readonly Option<int> PingCount = new("--count") { Description = "Round trips (Ping, and the chat round trip in a comparison).", DefaultValueFactory = _ => 2000 };
    private static readonly Option<int> InFlight = new("--in-flight") { Description = "Connects in flight at once.", DefaultValueFactory = _ => 100 };
    private static readonly Option<BenchClient> ClientKind = new("--client") { Description = "lean: raw WebSockets with SignalR's framing (cheap per delivery); full: the ChatClient, for correctness runs.", DefaultValueFactory = _ => BenchClient.Lean };
    private static readonly Option<ChatProtocol> Protocol = new("--protocol") { Description = "Hub protocol: Json or MessagePack.", DefaultValueFactory = _ => ChatProtocol.Json };
    private static readonly Option<string> Presence = new Option<string>("--presence")
    {
        Description = "How the connections hear of joins and leaves: each (UserJoined/UserLeft, as any SignalR client) or batched (PresenceChanged, as HubApp's own clients).",
        DefaultValueFactory = _ => PresenceModes.Each,
    }.AcceptOnlyFromAmong(PresenceModes.Each, PresenceModes.Batched);
    private static readonly Option<Placement> PlacementOption = new("--placement")
    {
        Description = "Which node each connection goes to: turn (connection k on node k mod N), random (seeded, as a load balancer would), room (room r's members on node r mod N), first (all on the first node).",
        DefaultValueFactory = _ => Placement.Turn,
    };

    private static readonly Option<string> Tag = new("--tag") { Description = "Put into room and user names (bench-TAGroom-R, bench-TAGR-I), so that runs against the same nodes use their own.", DefaultValueFactory = _ => string.Empty };
    private static readonly Option<string[]> Backends = new("--backend") { Description = "NAME=PID[,PID…] (repeatable): a process the nodes depend on (the store, the bus), measured with its descendants; its CPU per 100k deliveries is reported beside the nodes'." };
    private static readonly Option<string?> JsonFile = new("--json") { Description = "Also write the figures to this JSON file." };

    public static RootCommand Create()
    {
        var command = new RootCommand("HubApp's load generator, built on HubApp.Client: fan-out throughput and latency, a fixed offered rate, idle connections, ping.")
        {
            FanOut(), Direct(), Idle(), Ping(), Compare(), Cost(), Attachments(), IdleWorker(),
        };
        return command;
    }

    private static Command FanOut()
    {
        var command = new Command("fanout", "R rooms × M members, one sender per room; deliveries/s, latency, loss, server CPU and memory.")
        {
            Server, AlsoServers, NoAuth, ServerPid, AlsoPids, Backends, ClientKind, Protocol, Rooms, Members, Window, Warmup, Duration, Rate, PlacementOption, Tag, JsonFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var target = Target(parse, "host");
            return await ReportDeliveries(parse, await new FanOutWorkload(target, Settings(parse), Console.Out).RunAsync(ct));
        });
        return command;
    }

    private static Command Direct()
    {
        var users = new Option<int>("--users") { Description = "Users, one connection each; every message goes from one to another drawn at random.", DefaultValueFactory = _ => 1000 };
        var command = new Command("direct", "Direct messages between users at random (each delivered to the sender's and the recipient's connection); deliveries/s, latency, loss, nodes per message, CPU.")
        {
            Server, AlsoServers, NoAuth, ServerPid, AlsoPids, Backends, ClientKind, Protocol, users, Window, Warmup, Duration, Rate, PlacementOption, Tag, JsonFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(PlacementOption) == Placement.Room)
            {
                Console.Error.WriteLine("direct: --placement room has no meaning here (no rooms): use turn, random or first.");
                return 2;
            }

            using var target = Target(parse, "host");
            var settings = Settings(parse) with { Rooms = parse.GetValue(users), Members = 1, Direct = true };
            return await ReportDeliveries(parse, await new DirectWorkload(target, settings, Console.Out).RunAsync(ct));
        });
        return command;
    }

    // Saturation into the fan-out list, a fixed rate into the fixed-rate one; exit 3 when anything was lost, duplicated or refused.
    private static async Task<int> ReportDeliveries(ParseResult parse, FanOutResult result)
    {
        var saturated = result.Settings.OfferedRate is null;
        await Report(parse, Pinning.None, saturated ? [result] : [], saturated ? [] : [result], [], new Dictionary<string, LatencySummary>(), []);
        if (result.Nodes > 1 || result.Settings.Placement != Placement.Turn)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Settings.Placement.ToString().ToLowerInvariant()} placement over {result.Nodes} node(s): {result.NodesPerMessage:0.00} nodes per message; node CPU s / 100k by node: {string.Join(" / ", result.NodeCpuSecondsPer100k.Select(BenchReport.Format))}"));
        }

        foreach (var (name, cpu) in result.BackendCpuSecondsPer100k)
        {
            Console.WriteLine($"{name}: CPU s / 100k deliveries {BenchReport.Format(cpu)}");
        }

        Console.WriteLine($"lost {result.Lost}, duplicated {result.Duplicated}, sends refused {result.SendErrors}, senders unanswered {result.UnansweredSenders}");
        return result.Lost == 0 && result.Duplicated == 0 && result.SendErrors == 0 && result.UnansweredSenders == 0 ? 0 : 3;
    }

    private static Command Idle()
    {
        var command = new Command("idle", "Open N idle connections (spread over worker processes), report connect rate and server memory per connection.")
        {
            Server, NoAuth, ServerPid, ClientKind, Protocol, Presence, Connections, InFlight, Warmup, JsonFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var target = Target(parse, "host", parse.GetValue(Presence) == PresenceModes.Batched);
            var result = await new IdleWorkload(target, parse.GetValue(Connections), 100, !parse.GetValue(NoAuth), Console.Out, TimeSpan.FromSeconds(parse.GetValue(Warmup)), parse.GetValue(InFlight)).RunAsync(ct);
            await Report(parse, Pinning.None, [], [], [result], new Dictionary<string, LatencySummary>(), []);
            return 0;
        });
        return command;
    }

    private static Command Ping()
    {
        var command = new Command("ping", "Ping round trips on one connection.") { Server, NoAuth, ClientKind, Protocol, PingCount, JsonFile };
        command.SetAction(async (parse, ct) =>
        {
            using var target = Target(parse, "host");
            var result = await PingWorkload.RunAsync(target, parse.GetValue(PingCount), ct);
            await Report(parse, Pinning.None, [], [], [], new Dictionary<string, LatencySummary> { [target.Name] = result }, []);
            return 0;
        });
        return command;
    }

    private static Command Compare()
    {
        var idle = new Option<int>("--idle") { Description = "Idle connections per target (0 skips).", DefaultValueFactory = _ => 5000 };
        var rate = new Option<double>("--rate") { Description = "Offered deliveries per second for the fixed-rate run (0 skips).", DefaultValueFactory = _ => 20_000 };
        var noPin = new Option<bool>("--no-pin") { Description = "Do not pin the servers to CPU 0 and the load generator to CPU 1 (taskset)." };
        var command = new Command("compare", "Start the plain SignalR baseline, HubApp (SQLite, JSON) and HubApp over MessagePack on 127.0.0.1, a fresh server per workload; print every figure with ratios to the baseline.")
        {
            ClientKind, Rooms, Members, Window, Warmup, Duration, rate, idle, InFlight, PingCount, noPin, JsonFile, Presence,
        };
        command.SetAction(async (parse, ct) =>
        {
            var pinning = parse.GetValue(noPin) ? Pinning.None : Pinning.Default();
            await pinning.PinThisProcessAsync(ct);
            Console.WriteLine($"CPUs: {pinning.Describe()}");
            // HubApp's own clients ask for batched presence; the baseline has no presence to batch.
            var batchedPresence = parse.GetValue(Presence) == PresenceModes.Batched;
            Console.WriteLine($"HubApp's presence: {parse.GetValue(Presence)}");
            var client = parse.GetValue(ClientKind);
            var fanOut = new List<FanOutResult>();
            var fixedRate = new List<FanOutResult>();
            var idles = new List<IdleResult>();
            var pings = new Dictionary<string, LatencySummary>();
            var roundTrips = new List<RoundTripResult>();
            // Every workload gets a fresh server process, so that one run's memory and JIT state do not color the next.
            foreach (var (name, authenticate, protocol) in new[] { ("baseline", false, ChatProtocol.Json), ("hubapp", true, ChatProtocol.Json), ("hubapp-msgpack", true, ChatProtocol.MessagePack) })
            {
                async Task<T> OnFreshServerAsync<T>(Func<BenchTarget, Task<T>> workload, Dictionary<string, string>? settings = null)
                {
                    await using var server = authenticate
                        ? await ServerProcess.StartHubAppAsync(settings ?? [], pinning, ct)
                        : await ServerProcess.StartBaselineAsync(pinning, ct);
                    using var target = new BenchTarget(name, server.Url, authenticate, new ProcessMeter(server.Pid), client, protocol) { BatchedPresence = authenticate && batchedPresence };
                    return await workload(target);
                }

                Console.WriteLine($"{name}:");
                fanOut.Add(await OnFreshServerAsync(t => new FanOutWorkload(t, Settings(parse) with { OfferedRate = null }, Console.Out, pinning).RunAsync(ct)));
                if (parse.GetValue(rate) > 0)
                {
                    fixedRate.Add(await OnFreshServerAsync(t => new FanOutWorkload(t, Settings(parse) with { OfferedRate = parse.GetValue(rate) }, Console.Out, pinning).RunAsync(ct)));
                }

                if (parse.GetValue(idle) > 0)
                {
                    idles.Add(await OnFreshServerAsync(t => new IdleWorkload(t, parse.GetValue(idle), 100, authenticate, Console.Out, Settings(parse).Warmup, parse.GetValue(InFlight), pinning).RunAsync(ct)));
                }

                var (ping, roundTrip) = await OnFreshServerAsync(async t =>
                {
                    await PingWorkload.WarmUpAsync(t, Settings(parse).Warmup, ct);
                    return (await PingWorkload.RunAsync(t, parse.GetValue(PingCount), ct), await PingWorkload.RoundTripAsync(t, RoundTripLabel, parse.GetValue(PingCount), pinning, ct));
                });
                pings[name] = ping;
                roundTrips.Add(roundTrip);
                if (!authenticate)
                {
                    // The baseline stores nothing: its one round trip is the reference for both of HubApp's store modes.
                    roundTrips.Add(roundTrip with { Label = NormalRoundTripLabel });
                }
                else if (protocol == ChatProtocol.Json)
                {
                    // What a user may choose (Storage:SqliteSynchronous): commits survive a process crash but not a power loss.
                    roundTrips.Add(await OnFreshServerAsync(
                        async t =>
                        {
                            await PingWorkload.WarmUpAsync(t, Settings(parse).Warmup, ct);
                            return await PingWorkload.RoundTripAsync(t, NormalRoundTripLabel, parse.GetValue(PingCount), pinning, ct);
                        },
                        new Dictionary<string, string> { ["Storage__SqliteSynchronous"] = StorageSynchronousNormal }));
                }
            }

            await Report(parse, pinning, fanOut, fixedRate, idles, pings, roundTrips);
            return fanOut.Concat(fixedRate).Any(r => r.Lost != 0 || r.SendErrors != 0) ? 3 : 0;
        });
        return command;
    }

    private static Command Cost()
    {
        var phase = new Option<double>("--phase") { Description = "Seconds measured per phase (one kind of operation at a time).", DefaultValueFactory = _ => 10 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of one phase per kind, after one warm-up phase per kind.", DefaultValueFactory = _ => 2 };
        var kinds = new Option<OperationKind[]>("--kinds")
        {
            Description = "Kinds in each round, the first the reference of the ratios: message (PostMessage), reaction (React), reply (Post in a thread), post (Post without a thread), direct (PostDirectMessage to a member at random: two deliveries).",
            DefaultValueFactory = _ => [OperationKind.Message, OperationKind.Reaction, OperationKind.Reply],
            AllowMultipleArgumentsPerToken = true,
        };
        var noPin = new Option<bool>("--no-pin") { Description = "Do not pin the server to CPU 0 and the load generator to CPU 1 (taskset)." };
        var command = new Command("cost", "Server CPU per message, per reaction and per thread reply in one run against one server: a fresh pinned HubApp (SQLite), or --server.")
        {
            Server, ServerPid, Protocol, Rooms, Members, Window, Warmup, phase, rounds, Rate, kinds, noPin, JsonFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            var external = parse.GetResult(Server) is { Implicit: false };
            var pinning = external || parse.GetValue(noPin) ? Pinning.None : Pinning.Default();
            await pinning.PinThisProcessAsync(ct);
            Console.WriteLine($"CPUs: {pinning.Describe()}");
            var settings = new CostSettings(
                parse.GetValue(Rooms),
                parse.GetValue(Members),
                parse.GetValue(Window),
                TimeSpan.FromSeconds(parse.GetValue(Warmup)),
                TimeSpan.FromSeconds(parse.GetValue(phase)),
                parse.GetValue(rounds),
                parse.GetResult(Rate) is null ? null : parse.GetValue(Rate),
                [.. parse.GetValue(kinds)!.Distinct()]);
            async Task<CostResult> MeasureAsync(Uri url, int? pid)
            {
                using var target = new BenchTarget("hubapp", url, authenticate: true, pid is { } p ? new ProcessMeter(p) : null, BenchClient.Lean, parse.GetValue(Protocol));
                return await new OperationCostWorkload(target, settings, Console.Out, pinning).RunAsync(ct);
            }

            CostResult result;
            if (external)
            {
                result = await MeasureAsync(parse.GetValue(Server)!, parse.GetValue(ServerPid));
            }
            else
            {
                await using var server = await ServerProcess.StartHubAppAsync(new Dictionary<string, string>(), pinning, ct);
                result = await MeasureAsync(server.Url, server.Pid);
            }

            result = result with { Machine = BenchReport.DescribeMachine(), Pinning = pinning.Describe() };
            Console.WriteLine();
            Console.WriteLine($"Machine: {result.Machine}");
            Console.WriteLine($"Protocol: {parse.GetValue(Protocol)}, lean client");
            result.Print(Console.Out);
            if (parse.GetValue(JsonFile) is { } path)
            {
                await result.WriteJsonAsync(path);
                Console.WriteLine($"Figures written to {path}");
            }

            return result.Costs.Any(c => c.Lost != 0 || c.Errors != 0) ? 3 : 0;
        });
        return command;
    }

    private static Command Attachments()
    {
        var count = new Option<int>("--count") { Description = "Files of each size uploaded, then downloaded.", DefaultValueFactory = _ => 10 };
        var sizes = new Option<int[]>("--sizes-mb")
        {
            Description = "File sizes in MB; the largest is also the one whose upload the heap is measured during.",
            DefaultValueFactory = _ => [1, 25],
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("attachments", "Upload and download throughput of files (MB/s) and the host's managed heap during one upload of the largest: a fresh HubApp (SQLite, files on disk), or --server.")
        {
            Server, ServerPid, count, sizes,
        };
        command.SetAction(async (parse, ct) =>
        {
            var bytes = parse.GetValue(sizes)!.Select(mb => mb * 1024L * 1024L).ToArray();
            async Task<AttachmentResult> MeasureAsync(Uri url, int? pid)
            {
                using var target = new BenchTarget("hubapp", url, authenticate: true, pid is { } p ? new ProcessMeter(p) : null);
                return await new AttachmentWorkload(target, bytes, parse.GetValue(count), Console.Out).RunAsync(ct);
            }

            Console.WriteLine($"Machine: {BenchReport.DescribeMachine()}");
            if (parse.GetResult(Server) is { Implicit: false })
            {
                await MeasureAsync(parse.GetValue(Server)!, parse.GetValue(ServerPid));
            }
            else
            {
                // One user's uploads and downloads, not the allowances, are what is measured.
                await using var server = await ServerProcess.StartHubAppAsync(new Dictionary<string, string>
                {
                    ["Limits__UploadsPerMinute"] = "100000",
                    ["Attachments__MaxUnusedBytesPerUser"] = "10737418240",
                    ["Limits__ReadsPerSecond"] = "100000",
                    ["Limits__ReadBurst"] = "100000",
                }, Pinning.None, ct);
                await MeasureAsync(server.Url, server.Pid);
            }

            return 0;
        });
        return command;
    }

    private static Command IdleWorker()
    {
        var offset = new Option<int>("--offset");
        var count = new Option<int>("--count");
        var rooms = new Option<int>("--rooms") { DefaultValueFactory = _ => 100 };
        var command = new Command("idle-worker", "Internal: holds a share of the idle connections for `idle`.") { Server, NoAuth, ClientKind, Protocol, Presence, offset, count, rooms };
        command.Hidden = true;
        command.SetAction(async (parse, ct) =>
        {
            using var target = Target(parse, "host", parse.GetValue(Presence) == PresenceModes.Batched);
            return await IdleWorkload.RunWorkerAsync(target, parse.GetValue(offset), parse.GetValue(count), parse.GetValue(rooms), ct);
        });
        return command;
    }

    private static BenchTarget Target(ParseResult parse, string name, bool batchedPresence = false)
    {
        Uri[] servers = [parse.GetValue(Server)!, .. (parse.GetValue(AlsoServers) ?? []).Select(u => new Uri(u))];
        int[] pids = [.. parse.GetValue(ServerPid) is { } pid ? [pid] : Array.Empty<int>(), .. parse.GetValue(AlsoPids) ?? []];
        return new(name, servers, !parse.GetValue(NoAuth), pids.Length > 0 ? new ProcessMeter(pids) : null, parse.GetValue(ClientKind), parse.GetValue(Protocol))
        {
            BatchedPresence = batchedPresence,
            Backends = ParseBackends(parse.GetResult(Backends) is null ? [] : parse.GetValue(Backends) ?? []),
        };
    }

    /// <summary>NAME=PID[,PID…] each, into a meter per name over those processes and their descendants.</summary>
    internal static Dictionary<string, ProcessMeter> ParseBackends(IEnumerable<string> specs)
    {
        var backends = new Dictionary<string, ProcessMeter>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var equals = spec.IndexOf('=', StringComparison.Ordinal);
            var pids = equals <= 0 ? [] : spec[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (pids.Length == 0 || !pids.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new ArgumentException($"--backend {spec}: expected NAME=PID[,PID…]");
            }

            backends[spec[..equals]] = ProcessMeter.Tree([.. pids.Select(p => int.Parse(p, CultureInfo.InvariantCulture))]);
        }

        return backends;
    }

    private static FanOutSettings Settings(ParseResult parse) => new(
        parse.GetValue(Rooms),
        parse.GetValue(Members),
        parse.GetValue(Window),
        TimeSpan.FromSeconds(parse.GetValue(Warmup)),
        TimeSpan.FromSeconds(parse.GetValue(Duration)),
        parse.GetResult(Rate) is null ? null : parse.GetValue(Rate))
    {
        Placement = parse.GetResult(PlacementOption) is null ? Placement.Turn : parse.GetValue(PlacementOption),
        Tag = parse.GetResult(Tag) is null ? string.Empty : parse.GetValue(Tag) ?? string.Empty,
    };

    private const string RoundTripLabel = "SQLite sync=FULL";
    private const string NormalRoundTripLabel = "SQLite sync=NORMAL";
    private const string StorageSynchronousNormal = "normal";

    private static async Task Report(ParseResult parse, Pinning pinning, List<FanOutResult> fanOut, List<FanOutResult> fixedRate, List<IdleResult> idle, Dictionary<string, LatencySummary> ping, List<RoundTripResult> roundTrips)
    {
        var client = parse.GetValue(ClientKind) == BenchClient.Lean ? "lean (raw WebSockets, SignalR framing)" : "full (ChatClient)";
        var report = new BenchReport(BenchReport.DescribeMachine(), pinning.Describe(), client, fanOut, fixedRate, idle, ping, roundTrips);
        Console.WriteLine();
        report.Print(Console.Out);
        if (parse.GetValue(JsonFile) is { } path)
        {
            await report.WriteJsonAsync(path);
            Console.WriteLine($"Figures written to {path}");
        }
    }
}
