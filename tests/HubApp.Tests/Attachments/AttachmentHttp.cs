using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Attachments;

/// <summary>Uploads and downloads over real HTTP, as a client of the contract does them.</summary>
internal static class AttachmentHttp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Uploads <paramref name="bytes"/> as <paramref name="name"/> to <paramref name="path"/> ("rooms/general", "direct/bob").</summary>
    public static Task<HttpResponseMessage> UploadAsync(HttpClient http, string userId, string path, string name, byte[] bytes)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        // The client's claim, which the server must ignore.
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", name);
        return SendAsync(http, userId, HttpMethod.Post, $"/api/{path}/attachments", form);
    }

    /// <summary>Uploads a multipart body whose file part has the raw Content-Disposition <paramref name="disposition"/>.</summary>
    public static Task<HttpResponseMessage> UploadRawAsync(HttpClient http, string userId, string path, string disposition, byte[] bytes)
    {
        const string boundary = "----hubapp-test-boundary";
        var body = new MemoryStream();
        body.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: application/octet-stream\r\n\r\n"));
        body.Write(bytes);
        body.Write(Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n"));
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return SendAsync(http, userId, HttpMethod.Post, $"/api/{path}/attachments", content);
    }

    /// <summary>Uploads and answers the stored attachment (201 asserted).</summary>
    public static async Task<Attachment> UploadOkAsync(HttpClient http, string userId, string path, string name, byte[] bytes)
    {
        using var response = await UploadAsync(http, userId, path, name, bytes);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Attachment>(Json))!;
    }

    public static Task<HttpResponseMessage> GetAsync(HttpClient http, string? userId, string url, Action<HttpRequestMessage>? configure = null, HttpMethod? method = null) =>
        SendAsync(http, userId, method ?? HttpMethod.Get, url, null, configure);

    /// <summary>The contract code of a problem answer.</summary>
    public static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, string? userId, HttpMethod method, string url, HttpContent? content, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (userId is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(userId, userId));
        }

        configure?.Invoke(request);
        return await http.SendAsync(request).DefaultTimeout();
    }
}
