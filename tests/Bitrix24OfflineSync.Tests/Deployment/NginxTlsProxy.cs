using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Bitrix24OfflineSync.TestKit;
using Bitrix24OfflineSync.Tests.Infrastructure;

namespace Bitrix24OfflineSync.Tests.Deployment;

/// <summary>
/// nginx terminating TLS on a loopback port with a self-signed certificate for 127.0.0.1 made by openssl, in front of
/// an upstream, with the https server of deploy/nginx/b24sync.conf as shipped: forwarded headers set, the body limit above the service's.
/// Everything it writes stays in its own temp folder; disposing kills it and removes the folder.
/// </summary>
internal sealed class NginxTlsProxy : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _directory;
    private ChildProcess? _nginx;

    private NginxTlsProxy(string directory, int port, X509Certificate2 certificate)
    {
        _directory = directory;
        Port = port;
        Certificate = certificate;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"https://127.0.0.1:{Port}/");

    public X509Certificate2 Certificate { get; }

    public string AccessLog => File.Exists(Path.Combine(_directory, "access.log")) ? File.ReadAllText(Path.Combine(_directory, "access.log")) : "";

    /// <summary>Why these tests cannot run here, or null.</summary>
    public static string? WhyUnavailable() =>
        Find("nginx") is null ? "nginx is not installed (apt-get install nginx; .ci/run installs it)"
        : Find("openssl") is null ? "openssl is not installed"
        : null;

    /// <summary>Picks the port and makes the certificate, so the service and the emulator can be set up before nginx starts.</summary>
    public static async Task<NginxTlsProxy> PrepareAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "b24sync-nginx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var (exitCode, output) = await ChildProcess.RunAsync(Find("openssl")!, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", "key.pem", "-out", "cert.pem",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ], directory, null, Limit);
        if (exitCode != 0)
        {
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException($"openssl failed ({exitCode}):\n{output}");
        }

        return new NginxTlsProxy(directory, FreePort(), X509CertificateLoader.LoadCertificateFromFile(Path.Combine(directory, "cert.pem")));
    }

    /// <summary>Trusts exactly the test certificate: the same bytes, for the name it was presented under.</summary>
    public bool TrustsOnlyTheTestCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null &&
        certificate.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData) &&
        (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;

    /// <summary>Starts nginx in front of <paramref name="upstream"/> and returns once it holds its port.</summary>
    public async Task StartAsync(Uri upstream)
    {
        var config = Path.Combine(_directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Configuration(upstream));
        _nginx = ChildProcess.Start(Find("nginx")!, ["-c", config, "-p", _directory, "-e", Path.Combine(_directory, "error.log"), "-g", "daemon off;"], _directory);

        // nginx writes its pid file after it has bound the listening socket.
        await Wait.UntilAsync(
            () => _nginx.HasExited
                ? throw new InvalidOperationException($"nginx exited ({_nginx.ExitCode}):\n{_nginx.Output}\n{ErrorLog()}")
                : File.Exists(Path.Combine(_directory, "nginx.pid")),
            "nginx has written its pid file (it binds its socket before)",
            Limit);
    }

    public string ErrorLog() => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : "";

    public void Dispose()
    {
        _nginx?.Dispose();
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string Configuration(Uri upstream) => $$"""
        # One process, no workers: killing it leaves nothing behind.
        master_process off;
        worker_processes 1;
        pid {{_directory}}/nginx.pid;
        error_log {{_directory}}/error.log;
        events { worker_connections 64; }
        http {
            access_log {{_directory}}/access.log;
            client_body_temp_path {{_directory}}/client_body;
            proxy_temp_path {{_directory}}/proxy;
            fastcgi_temp_path {{_directory}}/fastcgi;
            uwsgi_temp_path {{_directory}}/uwsgi;
            scgi_temp_path {{_directory}}/scgi;
        {{ShippedHttpsServer(upstream)}}
        }
        """;

    /// <summary>
    /// The https server of <c>deploy/nginx/b24sync.conf</c> as shipped, but for where it runs here: a loopback port
    /// instead of 443, the test certificate instead of /etc/nginx/certs, the service under test instead of b24sync:8080.
    /// </summary>
    private string ShippedHttpsServer(Uri upstream)
    {
        var server = ShippedServers().Single(s => s.Contains("listen 443 ssl;", StringComparison.Ordinal));
        foreach (var (shipped, here) in new[]
        {
            ("listen 443 ssl;", $"listen 127.0.0.1:{Port} ssl;"),
            ("listen [::]:443 ssl;", ""),
            ("/etc/nginx/certs/fullchain.pem", Path.Combine(_directory, "cert.pem")),
            ("/etc/nginx/certs/privkey.pem", Path.Combine(_directory, "key.pem")),
            ("proxy_pass http://b24sync:8080;", $"proxy_pass http://127.0.0.1:{upstream.Port};"),
        })
        {
            if (!server.Contains(shipped, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"deploy/nginx/b24sync.conf no longer has \"{shipped}\"; the proxy tests need to learn its new shape.");
            }

            server = server.Replace(shipped, here, StringComparison.Ordinal);
        }

        return server;
    }

    /// <summary>The top-level server blocks of the shipped file, comments left out.</summary>
    private static List<string> ShippedServers()
    {
        var text = string.Join('\n', File.ReadLines(Repository.File("deploy/nginx/b24sync.conf")).Select(l => l.Split('#')[0]));
        var servers = new List<string>();
        for (var start = text.IndexOf("server {", StringComparison.Ordinal); start >= 0; start = text.IndexOf("server {", start + 1, StringComparison.Ordinal))
        {
            var (depth, end) = (0, start);
            for (; end < text.Length; end++)
            {
                if (text[end] == '{')
                {
                    depth++;
                }
                else if (text[end] == '}' && --depth == 0)
                {
                    break;
                }
            }

            servers.Add(text[start..(end + 1)]);
            start = end;
        }

        return servers;
    }

    private static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/bin")
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
