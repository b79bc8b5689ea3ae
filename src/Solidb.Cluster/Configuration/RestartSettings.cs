namespace Solidb.Cluster.Configuration;

/// <summary>
/// solidb.restart: the restart budget of a process whose incarnations end themselves (isolated,
/// quarantined, join timed out, downed). Up to <see cref="MaxRestarts"/> restarts within
/// <see cref="Window"/> follow at once; each one beyond waits, <see cref="Backoff"/> doubling up
/// to <see cref="MaxBackoff"/>, until an incarnation runs a whole window (Manager/RestartBudget).
/// </summary>
public sealed record RestartSettings
{
    public int MaxRestarts { get; init; } = 5;
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    internal static RestartSettings From(ConfigReader r)
    {
        var settings = new RestartSettings
        {
            MaxRestarts = r.Int("restart.max-restarts", 0, 1000),
            Window = r.Duration("restart.window", TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)),
            Backoff = r.Duration("restart.backoff", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            MaxBackoff = r.Duration("restart.max-backoff", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)),
        };
        return settings.MaxBackoff < settings.Backoff
            ? throw SettingsException.Invalid(r.Key("restart.max-backoff"), settings.MaxBackoff,
                "must not be less than solidb.restart.backoff")
            : settings;
    }
}
