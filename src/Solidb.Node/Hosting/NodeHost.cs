using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Solidb.Cluster.Admin;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Security;
using Solidb.Node.Http;

namespace Solidb.Node.Hosting;

/// <summary>Builds the node's Generic Host: Akka.Hosting runs the actor system, Kestrel the HTTP API.</summary>
public static class NodeHost
{
    /// <param name="tls">The node's TLS files (null: TLS off); HTTPS uses the same certificate when solidb.tls.http is on.</param>
    /// <param name="adminToken">The admin endpoints' token (null: resolved from the settings, <see cref="AdminToken.Resolve"/>).</param>
    public static WebApplication Build(NodeContext node, Config layered, TlsMaterial? tls = null, AdminToken? adminToken = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var bind = PortCheck.ResolveBindAddress(node.Settings.Host);
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(bind, node.Settings.HttpPort, l =>
            {
                l.Protocols = HttpProtocols.Http1;
                if (node.Settings.Tls.Http)
                {
                    l.UseHttps(tls?.Certificate ?? throw new InvalidOperationException("solidb.tls.http is on but no TLS files were loaded"));
                }
            });
            k.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.Logging.ClearProviders()
            .SetMinimumLevel(node.Settings.LogLevel)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });

        builder.Services.AddSingleton(node);
        adminToken ??= AdminToken.Resolve(node.Settings.Http, node.Settings.DataDir);
        builder.Services.AddSingleton(adminToken);
        builder.Services.AddSingleton<Http.Admin.AdminAudit>();
        builder.Services.AddAkka(NodeAkkaConfig.SystemName, (akka, _) => akka
            .ConfigureLoggers(l =>
            {
                l.LogLevel = AkkaLevel(node.Settings.LogLevel);
                l.ClearLoggers();
                l.AddLogger<AkkaLogForwarder>();
            })
            .WithSolidbCluster(node, layered, tls, adminToken));

        var app = builder.Build();
        ClusterEndpoints.Map(app);
        return app;
    }

    private static Akka.Event.LogLevel AkkaLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => Akka.Event.LogLevel.DebugLevel,
        LogLevel.Information => Akka.Event.LogLevel.InfoLevel,
        LogLevel.Warning => Akka.Event.LogLevel.WarningLevel,
        _ => Akka.Event.LogLevel.ErrorLevel,
    };
}
