using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AgentMemory.Semantic;

/// <summary>
/// An <see cref="IMemoryExtractor"/> that asks a chat model (any Microsoft.Extensions.AI <see cref="IChatClient"/>) to
/// list the key information in a text as JSON, and falls back to the <see cref="RuleBasedMemoryExtractor"/> when the
/// model fails or answers with something that is not the expected JSON.
/// </summary>
/// <remarks>
/// Thread-safe as the chat client is. Each item the model returns must have a non-empty <c>content</c>; a missing or
/// unknown <c>type</c> becomes <see cref="MemoryType.Semantic"/>, a missing or out-of-range <c>importance</c> 0.5.
/// Results carry <c>extractor = chat</c> in their metadata (<c>rules</c> when the fallback answered).
/// </remarks>
public sealed class ChatClientMemoryExtractor : IMemoryExtractor
{
    /// <summary>The instructions sent to the model.</summary>
    public const string Instructions =
        "Extract the key facts about the user from the message: name, work, location, preferences, habits, feelings, " +
        "important dates, and other durable facts. Answer with JSON only: an array of objects with the fields " +
        "\"content\" (a short third-person statement such as \"User prefers tea\"), \"type\" (one of episodic, semantic, " +
        "preference, procedural, emotional, contextual) and \"importance\" (0 to 1). Answer [] if there is nothing to remember.";

    private readonly IChatClient _chatClient;
    private readonly RuleBasedMemoryExtractor _fallback = new();

    /// <summary>Creates an extractor over <paramref name="chatClient"/>.</summary>
    /// <param name="chatClient">The chat model to ask.</param>
    /// <exception cref="ArgumentNullException"><paramref name="chatClient"/> is null.</exception>
    public ChatClientMemoryExtractor(IChatClient chatClient)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chatClient = chatClient;
    }

    /// <summary>Asks the model for the key information in <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the model found, or what the rules found if the model's answer was unusable.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<IReadOnlyList<ExtractedMemory>> ExtractAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        string answer;
        try
        {
            var response = await _chatClient.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, text)],
                new ChatOptions { Temperature = 0, ResponseFormat = ChatResponseFormat.Json },
                cancellationToken).ConfigureAwait(false);
            answer = response.Text;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return _fallback.Extract(text, cancellationToken);
        }

        return Parse(answer) ?? _fallback.Extract(text, cancellationToken);
    }

    /// <summary>Parses the model's answer; null when it is not a JSON array of items (a code fence around it is allowed).</summary>
    internal static List<ExtractedMemory>? Parse(string answer)
    {
        var json = answer.Trim();
        if (json.StartsWith("```", StringComparison.Ordinal))
        {
            var start = json.IndexOf('[', StringComparison.Ordinal);
            var end = json.LastIndexOf(']');
            json = start >= 0 && end > start ? json[start..(end + 1)] : json;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var results = new List<ExtractedMemory>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("content", out var content)
                    || content.ValueKind != JsonValueKind.String
                    || string.IsNullOrWhiteSpace(content.GetString()))
                {
                    continue;
                }

                var type = item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                    && Enum.TryParse<MemoryType>(t.GetString(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                    ? parsed
                    : MemoryType.Semantic;
                var importance = item.TryGetProperty("importance", out var i) && i.ValueKind == JsonValueKind.Number
                    && i.TryGetDouble(out var value) && value is >= 0 and <= 1
                    ? value
                    : 0.5;
                var metadata = new Dictionary<string, MetadataValue>(StringComparer.Ordinal)
                {
                    ["kind"] = type.ToString().ToLower(CultureInfo.InvariantCulture),
                    ["extractor"] = "chat",
                };
                results.Add(new ExtractedMemory(content.GetString()!.Trim(), type, importance, metadata));
            }

            return results;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
