using Solidb.Cluster.Manager;
using Solidb.Cluster.Security;

namespace Solidb.Node.Http.Admin;

/// <summary>
/// The audit trail of the admin endpoints: one line per admin action (what, on which node, from
/// which address, the result), never the token. Requests refused for a missing or wrong token are
/// counted in stats.rejections.unauthorized and logged at most once a minute, so a flood of
/// guesses cannot flood the log.
/// </summary>
public sealed partial class AdminAudit(NodeContext node, ILogger<AdminAudit> log)
{
    public void Action(HttpContext http, string action, string result) =>
        LogAction(log, action, node.NodeId.Value, Remote(http), result);

    public void Refused(HttpContext http, TokenRefusal refusal)
    {
        if (node.Counters.Reject(RejectionReason.Unauthorized))
        {
            LogRefused(log, http.Request.Method, Rejections.Quote(http.Request.Path.Value ?? ""), node.NodeId.Value, Remote(http), refusal.Status,
                refusal.Error);
        }
    }

    /// <summary>Where the token is (never the token itself).</summary>
    public void TokenIn(Solidb.Cluster.Admin.AdminToken token) => LogToken(log, token.Path, token.Generated ? "generated now, mode 0600" : "read at start-up");

    private static string Remote(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } ip ? $"{ip}:{http.Connection.RemotePort}" : "?";

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Admin endpoints (leave, down, leader transfer) need the bearer token in '{Path}' ({How}); see docs/security.md")]
    private static partial void LogToken(ILogger logger, string path, string how);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin audit: {Action} on node {Node} from {Remote}: {Result}")]
    private static partial void LogAction(ILogger logger, string action, string node, string remote, string result);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Admin audit: refused {Method} {Path} on node {Node} from {Remote}: {Status} {Error} (further refusals are counted in stats.rejections.unauthorized, logged at most once a minute)")]
    private static partial void LogRefused(ILogger logger, string method, string path, string node, string remote, int status, string error);
}
