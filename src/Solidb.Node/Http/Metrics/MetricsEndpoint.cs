using Solidb.Cluster.Manager;

namespace Solidb.Node.Http.Metrics;

/// <summary>
/// <c>GET /metrics</c>: this incarnation's meter (<c>Solidb.Cluster</c>) in the Prometheus text format.
/// Observable instruments are read per scrape; nothing is computed between scrapes.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>Maps the endpoint; the builder lets the host add filters (e.g. a token check for reads).</summary>
    public static RouteHandlerBuilder Map(WebApplication app)
    {
        var node = app.Services.GetRequiredService<NodeContext>();
        var reader = new MeterReader(node.Metrics.Meter);
        app.Lifetime.ApplicationStopped.Register(reader.Dispose);
        return app.MapGet(Path, () => Results.Text(PrometheusText.Write(reader.Collect()), PrometheusText.ContentType));
    }
}
