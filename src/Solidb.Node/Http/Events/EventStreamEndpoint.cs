using System.Net.WebSockets;
using Akka.Actor;
using Akka.Hosting;
using Solidb.Cluster.Client;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Events;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Security;
using Solidb.Cluster.Stats;

namespace Solidb.Node.Http.Events;

/// <summary>
/// <c>GET /_api/cluster/events</c>: the node's events over a WebSocket, one JSON object per text frame (docs/events.md).
/// Checks before the upgrade, each refused with one line of JSON: a WebSocket request (400), same-origin or no Origin
/// (403), a valid query (400), a free connection slot (503). Then one <see cref="EventRelayActor"/> per connection
/// subscribes to the supervisor and an <see cref="EventStreamConnection"/> sends what it queues.
/// </summary>
public static partial class EventStreamEndpoint
{
    public const string Path = "/_api/cluster/events";

    /// <summary>How long a stream that ended may still take to send its last frame and close; then it is aborted.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    /// <summary>The same when the node stops: shutdown does not wait for slow consumers.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(1);

    /// <summary>A consumer that answers no ping within this many keep-alive intervals is dropped.</summary>
    public const int KeepAliveTimeoutIntervals = 3;

    /// <returns>The endpoint, so the caller can protect it (<c>Admin.TokenAccess.RequireReadToken</c>).</returns>
    public static RouteHandlerBuilder Map(WebApplication app)
    {
        var node = app.Services.GetRequiredService<NodeContext>();
        var settings = node.Settings.Events;
        var slots = new EventStreamSlots(settings.MaxConnections);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EventStreamEndpoint).FullName!);
        var busyLog = new LogThrottle(TimeProvider.System, TimeSpan.FromMinutes(1));
        var slowLog = new LogThrottle(TimeProvider.System, TimeSpan.FromMinutes(1));
        long ids = 0;

        app.UseWebSockets();
        return app.MapGet(Path, async (HttpContext http, IRequiredActor<SolidbClusterActor> manager, IHostApplicationLifetime lifetime) =>
        {
            var remote = http.Connection.RemoteIpAddress?.ToString() ?? "?";
            if (!http.WebSockets.IsWebSocketRequest)
            {
                return Refuse(StatusCodes.Status400BadRequest,
                    $"{Path} is a WebSocket stream: connect with a WebSocket upgrade (ws:// or wss://)");
            }

            var origin = http.Request.Headers.Origin.ToString();
            if (!OriginPolicy.Allows(origin, http.Request.Scheme, http.Request.Host.Value))
            {
                if (node.Counters.Reject(RejectionReason.InvalidField))
                {
                    LogCrossSite(log, remote, Rejections.Quote(origin));
                }

                return Refuse(StatusCodes.Status403Forbidden,
                    $"cross-site WebSocket refused: Origin '{Cluster.Configuration.UserText.Value(origin)}' is not {http.Request.Scheme}://{http.Request.Host}");
            }

            var (query, error) = EventStreamQuery.Parse(http.Request.Query);
            if (query is null)
            {
                if (node.Counters.Reject(RejectionReason.InvalidField))
                {
                    LogBadQuery(log, remote, error!);
                }

                return Refuse(StatusCodes.Status400BadRequest, error!);
            }

            if (!slots.TryTake())
            {
                if (busyLog.TryClaim())
                {
                    LogBusy(log, remote, slots.Max);
                }

                return Refuse(StatusCodes.Status503ServiceUnavailable,
                    $"too many event-stream connections: all {slots.Max} in use (solidb.events.max-connections)");
            }

            try
            {
                var id = Interlocked.Increment(ref ids);
                var supervisor = await manager.GetAsync(http.RequestAborted);
                var system = http.RequestServices.GetRequiredService<ActorSystem>();
                WebSocket socket;
                try
                {
                    socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
                    {
                        KeepAliveInterval = settings.KeepAlive,
                        KeepAliveTimeout = settings.KeepAlive * KeepAliveTimeoutIntervals,
                    });
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or WebSocketException)
                {
                    return Results.Empty; // the consumer went away during the upgrade
                }

                using var _ = socket;
                var relay = new EventRelay(settings.SendQueue);
                var subscriber = system.ActorOf(EventRelayActor.Props(relay), $"events-{id}");
                LogOpened(log, id, remote, query.Since, query.Incarnation, query.Types is null ? "all" : string.Join(",", query.Types));
                try
                {
                    supervisor.Tell(new SubscribeClusterEvents(subscriber, query.Since, query.Incarnation, query.Types));
                    var end = await new EventStreamConnection(socket, relay, query, CloseGrace, ShutdownGrace).RunAsync(lifetime.ApplicationStopping);
                    if (end.Reason == StreamEndReason.TooSlow && slowLog.TryClaim())
                    {
                        LogTooSlow(log, id, remote, relay.Capacity, end.LastSeq);
                    }

                    LogEnded(log, id, end.Reason, end.Sent, end.LastSeq);
                }
                finally
                {
                    supervisor.Tell(new UnsubscribeClusterEvents(subscriber));
                    system.Stop(subscriber);
                }

                return Results.Empty;
            }
            finally
            {
                slots.Release();
            }
        });
    }

    private static IResult Refuse(int status, string error) =>
        Results.Json(new ErrorResponse(Cluster.Configuration.UserText.OneLine(error)), ClusterJson.Options, statusCode: status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a cross-site event-stream request from {Remote}: Origin '{Origin}' (logged once a minute; counted in stats.rejections.invalid_field)")]
    private static partial void LogCrossSite(ILogger log, string remote, string origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused an event-stream request from {Remote}: {Error} (logged once a minute; counted in stats.rejections.invalid_field)")]
    private static partial void LogBadQuery(ILogger log, string remote, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an event-stream connection from {Remote}: all {Max} connections are in use (solidb.events.max-connections; logged once a minute)")]
    private static partial void LogBusy(ILogger log, string remote, int max);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event stream {Id} opened from {Remote} (since {Since}, incarnation {Incarnation}, types {Types})")]
    private static partial void LogOpened(ILogger log, long id, string remote, long? since, long? incarnation, string types);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed event stream {Id} from {Remote} with 1013: its consumer fell {Queue} events behind (solidb.events.send-queue); it may resume after seq {LastSeq} (logged once a minute)")]
    private static partial void LogTooSlow(ILogger log, long id, string remote, int queue, long? lastSeq);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event stream {Id} ended ({Reason}) after {Sent} events, the last seq {LastSeq}")]
    private static partial void LogEnded(ILogger log, long id, StreamEndReason reason, long sent, long? lastSeq);
}
