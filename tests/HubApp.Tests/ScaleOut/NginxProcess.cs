using System.Diagnostics;
using System.Text.RegularExpressions;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

/// <summary>
/// nginx (the Debian package) running the repository's site recipe, deploy/nginx/hubapp.conf, in front of
/// test nodes: its <c>listen</c> lines point at a free port on 127.0.0.1 and its upstream servers at the
/// nodes; everything else is the recipe as shipped.
/// </summary>
internal sealed partial class NginxProcess : IAsyncDisposable
{
    public const string Variable = "HUBAPP_TEST_NGINX";

    private readonly Process _process;
    private readonly DirectoryInfo _directory;

    private NginxProcess(Process process, DirectoryInfo directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public static async Task<NginxProcess> StartAsync(IEnumerable<int> upstreamPorts)
    {
        var binary = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set: these tests need nginx. Run them through ./test.sh (scripts/prereqs/40-nginx.sh).");
        var directory = Directory.CreateTempSubdirectory("hubapp-nginx-");
        var port = NodeProcess.FreePort();
        var site = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "deploy", "nginx", "hubapp.conf"));
        site = ListenLine().Replace(site, string.Empty);
        site = site.Replace("    listen 80;", $"    listen 127.0.0.1:{port};", StringComparison.Ordinal);
        site = UpstreamServer().Replace(site, string.Empty);
        site = site.Replace("    ip_hash;", "    ip_hash;" + string.Concat(upstreamPorts.Select(p => $"\n    server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;")), StringComparison.Ordinal);
        var d = directory.FullName;
        site = site.Replace("/var/log/nginx/", d + "/", StringComparison.Ordinal);
        var config = $$"""
            worker_processes 1;
            daemon off;
            pid {{d}}/nginx.pid;
            error_log {{d}}/error.log warn;
            events { worker_connections 512; }
            http {
                client_body_temp_path {{d}}/body;
                proxy_temp_path {{d}}/proxy;
                fastcgi_temp_path {{d}}/fastcgi;
                uwsgi_temp_path {{d}}/uwsgi;
                scgi_temp_path {{d}}/scgi;
            {{site}}
            }
            """;
        var configPath = Path.Combine(d, "nginx.conf");
        await File.WriteAllTextAsync(configPath, config);
        var start = new ProcessStartInfo(binary, ["-c", configPath, "-p", d, "-e", Path.Combine(d, "error.log")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var nginx = new NginxProcess(Process.Start(start)!, directory, port);
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (nginx._process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited: {await nginx._process.StandardError.ReadToEndAsync()} {nginx.ErrorLog()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(nginx.BaseAddress, "/health"));
                return nginx;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public string ErrorLog()
    {
        var path = Path.Combine(_directory.FullName, "error.log");
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.KillAndWaitAsync();
        _process.Dispose();
        _directory.Delete(recursive: true);
    }

    [GeneratedRegex(@"^\s*listen \[::\]:80;\s*$\n?", RegexOptions.Multiline)]
    private static partial Regex ListenLine();

    [GeneratedRegex(@"^\s*server 127\.0\.0\.1:\d+[^;\n]*;\s*$\n?", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();
}
