using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.EventStream;

/// <summary>One Server-Sent Event as read off the wire.</summary>
internal sealed record SseEvent(string? Id, string? Event, string Data)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ChatMessage Message => JsonSerializer.Deserialize<ChatMessage>(Data, Json) ?? throw new InvalidOperationException("No entry in the data.");
}

/// <summary>
/// A client of <c>GET /api/rooms/{room}/events</c> that parses the stream as EventSource does (fields per line, an event
/// per blank line, comments kept aside); every read has a bounded timeout.
/// </summary>
internal sealed class EventStreamReader : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamReader(HttpClient http, HttpResponseMessage response, Stream body)
    {
        _http = http;
        _response = response;
        _reader = new StreamReader(body);
    }

    /// <summary>The comment lines read so far (without the colon).</summary>
    public List<string> Comments { get; } = [];

    public HttpResponseMessage Response => _response;

    /// <summary>Sends the request and answers the response once its headers are in (the stream is open then).</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, string userId, string room, long? afterId = null, string? lastEventId = null, IReadOnlyList<string>? roles = null, bool tokenInQuery = false)
    {
        var token = TestTokens.Create(userId, roles: roles);
        var query = new List<string>();
        if (afterId is not null)
        {
            query.Add($"afterId={afterId}");
        }

        if (tokenInQuery)
        {
            query.Add($"access_token={token}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{room}/events" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty));
        if (!tokenInQuery)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
    }

    /// <summary>Opens a stream that must be accepted (200, <c>text/event-stream</c>).</summary>
    public static async Task<EventStreamReader> OpenAsync(
        Uri baseAddress, string userId, string room, long? afterId = null, string? lastEventId = null, IReadOnlyList<string>? roles = null, bool tokenInQuery = false)
    {
        // No overall timeout: the stream is open for as long as the test reads it; each read has its own.
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var response = await SendAsync(http, userId, room, afterId, lastEventId, roles, tokenInQuery);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            http.Dispose();
            throw new InvalidOperationException($"The stream was refused: {(int)response.StatusCode} {body}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStreamReader(http, response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event, or null once the server ended the stream.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        string? id = null;
        string? kind = null;
        var data = new List<string>();
        while (await ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return new SseEvent(id, kind, string.Join('\n', data));
                }

                continue;
            }

            if (line[0] == ':')
            {
                Comments.Add(line[1..].TrimStart());
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = colon < 0 ? (line, string.Empty) : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    kind = value;
                    break;
                case "data":
                    data.Add(value);
                    break;
            }
        }

        return null;
    }

    /// <summary>The next <paramref name="count"/> entries, in the order they came.</summary>
    public async Task<IReadOnlyList<ChatMessage>> NextMessagesAsync(int count, TimeSpan? timeout = null)
    {
        var messages = new List<ChatMessage>();
        while (messages.Count < count)
        {
            var next = await NextAsync(timeout) ?? throw new InvalidOperationException($"The stream ended after {messages.Count} of {count} entries.");
            var message = next.Message;
            Assert.Equal((message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Kind), (next.Id, next.Event));
            messages.Add(message);
        }

        return messages;
    }

    /// <summary>Reads until a comment line comes (keep-alives arrive only on a quiet stream).</summary>
    public async Task<string> NextCommentAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        while (await ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith(':'))
            {
                return line[1..].TrimStart();
            }
        }

        throw new InvalidOperationException("The stream ended without a comment.");
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadLineAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("No line of the event stream came in time.");
        }
        catch (HttpIOException)
        {
            // The server ended the stream without its last chunk: ended all the same.
            return null;
        }
    }
}
