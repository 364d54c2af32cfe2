using System.Globalization;
using AgentMemory.Storage;

namespace AgentMemory.Security;

/// <summary>
/// The threat rules, run over a slice of the audit stream: denied-access bursts, unusual read volume, sweeps over
/// sensitive keys, use of retired keys and tampered data. Each windowed rule slides its window over each
/// principal's entries and reports the fullest window that reaches the threshold.
/// </summary>
/// <remarks>Thread-safe: immutable after construction; <see cref="Detect"/> is pure.</remarks>
internal sealed class ThreatDetector
{
    private readonly ThreatDetectionOptions _options;
    private readonly GlobPattern[] _sensitive;

    public ThreatDetector(ThreatDetectionOptions options, IEnumerable<string> fallbackSensitivePatterns)
    {
        _options = options;
        var patterns = options.SensitiveKeyPatterns.Count > 0 ? options.SensitiveKeyPatterns : fallbackSensitivePatterns;
        _sensitive = [.. patterns.Select(p => GlobPattern.Parse(p))];
    }

    public IReadOnlyList<MemorySecurityThreat> Detect(IReadOnlyList<MemoryAuditEntry> entries)
    {
        var threats = new List<MemorySecurityThreat>();
        foreach (var group in entries.GroupBy(e => e.Record.PrincipalId, StringComparer.Ordinal))
        {
            var mine = group.OrderBy(e => e.Record.Timestamp).ThenBy(e => e.Sequence).ToList();
            var principal = group.Key;

            var denied = mine.Where(e => e.Record.Result == MemoryAuditResult.Denied).ToList();
            if (FullestWindow(denied, _options.DeniedBurstWindow, _options.DeniedBurstThreshold, static _ => null) is { } burst)
            {
                threats.Add(Threat(MemoryThreatKind.DeniedAccessBurst, MemoryThreatSeverity.High, principal, burst,
                    $"{burst.Count} denied calls by '{principal ?? "(no principal)"}' within {_options.DeniedBurstWindow} (threshold {_options.DeniedBurstThreshold})."));
            }

            var reads = mine.Where(e => e.Record.Result == MemoryAuditResult.Allowed && (e.Record.Action & MemoryAction.Read) != 0).ToList();
            if (FullestWindow(reads, _options.ReadVolumeWindow, _options.ReadVolumeThreshold, static _ => null) is { } volume)
            {
                threats.Add(Threat(MemoryThreatKind.UnusualReadVolume, MemoryThreatSeverity.Medium, principal, volume,
                    $"{volume.Count} reads by '{principal ?? "(no principal)"}' within {_options.ReadVolumeWindow} (threshold {_options.ReadVolumeThreshold})."));
            }

            if (_sensitive.Length > 0)
            {
                var sensitive = mine.Where(e => _sensitive.Any(p => p.IsMatch(e.Record.Resource))).ToList();
                if (FullestWindow(sensitive, _options.SensitiveKeyWindow, _options.SensitiveKeyThreshold, static e => e.Record.Resource) is { } sweep)
                {
                    var distinct = sweep.Select(e => e.Record.Resource).Distinct(StringComparer.Ordinal).Count();
                    threats.Add(Threat(MemoryThreatKind.SensitiveKeySweep, MemoryThreatSeverity.High, principal, sweep,
                        $"'{principal ?? "(no principal)"}' touched {distinct} distinct sensitive keys within {_options.SensitiveKeyWindow} (threshold {_options.SensitiveKeyThreshold})."));
                }
            }

            var retired = mine.Where(e => e.Record.Result == MemoryAuditResult.RetiredKeyUsed).ToList();
            if (retired.Count > 0)
            {
                threats.Add(Threat(MemoryThreatKind.RetiredKeyUse, MemoryThreatSeverity.High, principal, retired,
                    string.Create(CultureInfo.InvariantCulture, $"{retired.Count} reads of values under a retired key by '{principal ?? "(no principal)"}'.")));
            }

            var tampered = mine.Where(e => e.Record.Result == MemoryAuditResult.TamperDetected).ToList();
            if (tampered.Count > 0)
            {
                threats.Add(Threat(MemoryThreatKind.TamperedData, MemoryThreatSeverity.Critical, principal, tampered,
                    string.Create(CultureInfo.InvariantCulture, $"{tampered.Count} encrypted values failed authentication when read by '{principal ?? "(no principal)"}'.")));
            }
        }

        return [.. threats.OrderByDescending(t => t.Severity).ThenBy(t => t.WindowStart)];
    }

    // The largest run of entries within `window` whose count (or, with distinctBy, distinct count) reaches
    // `threshold`; null when no window does. Two pointers over time-ordered entries: O(n).
    private static List<MemoryAuditEntry>? FullestWindow(List<MemoryAuditEntry> entries, TimeSpan window, int threshold, Func<MemoryAuditEntry, string?> distinctBy)
    {
        if (entries.Count == 0)
        {
            return null;
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int bestStart = -1, bestEnd = -1, bestScore = 0, start = 0;
        for (var end = 0; end < entries.Count; end++)
        {
            Add(entries[end], 1);
            while (entries[end].Record.Timestamp - entries[start].Record.Timestamp >= window)
            {
                Add(entries[start], -1);
                start++;
            }

            var score = distinctBy(entries[end]) is null ? end - start + 1 : counts.Count;
            if (score >= threshold && score > bestScore)
            {
                (bestStart, bestEnd, bestScore) = (start, end, score);
            }
        }

        return bestStart < 0 ? null : entries.GetRange(bestStart, bestEnd - bestStart + 1);

        void Add(MemoryAuditEntry entry, int delta)
        {
            if (distinctBy(entry) is not { } key)
            {
                return;
            }

            var count = counts.GetValueOrDefault(key) + delta;
            if (count == 0)
            {
                counts.Remove(key);
            }
            else
            {
                counts[key] = count;
            }
        }
    }

    private MemorySecurityThreat Threat(MemoryThreatKind kind, MemoryThreatSeverity severity, string? principal, List<MemoryAuditEntry> evidence, string description) =>
        new(kind, severity, principal, evidence[0].Record.Timestamp, evidence[^1].Record.Timestamp, description, [.. evidence.Take(_options.MaxEvidence)]);
}
