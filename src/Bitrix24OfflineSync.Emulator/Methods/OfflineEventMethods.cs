using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bitrix24OfflineSync.Emulator.Portals;
using Bitrix24OfflineSync.Emulator.Queue;
using Bitrix24OfflineSync.Emulator.Rest;

namespace Bitrix24OfflineSync.Emulator.Methods;

/// <summary><c>event.offline.get|clear|error|list</c>, as <c>Bitrix\Rest\Api\Event</c> implements them.</summary>
internal static class OfflineEventMethods
{
    private const int ListLimit = 50;
    private const string ProcessIdAlphabet = "abcdefghijklnmopqrstuvwxyz0123456789";

    public static void Register(MethodRegistry methods)
    {
        methods.Add("event.offline.get", null, Get);
        methods.Add("event.offline.clear", null, Clear);
        methods.Add("event.offline.error", null, Error);
        methods.Add("event.offline.list", null, List);
    }

    private static MethodResult Get(MethodContext ctx)
    {
        var app = AppAuth.RequireAppAdmin(ctx);
        var clear = ctx.Param("clear") is { } clearNode ? PhpValues.IntVal(clearNode) : 1;
        var processId = ctx.Param("process_id") is { } pidNode ? PhpValues.String(pidNode).Trim() : null;
        if (clear == 0 && !ctx.Portal.HasFeature(EmulatedPortal.OfflineExtendedFeature))
        {
            throw RestException.License("extended offline events handling");
        }

        var limit = ctx.Param("limit") is { } limitNode ? PhpValues.IntVal(limitNode) : ListLimit;
        var error = PhpValues.IntVal(ctx.Param("error")) == 1;
        var connector = ctx.Caller.AuthConnector;
        var returnProcessId = clear == 0;
        if (limit <= 0)
        {
            throw RestException.InvalidArgument("Value must be positive integer", "LIMIT");
        }

        var filter = OfflineFilter.Parse(ctx.Param("filter") ?? new JsonObject(), OfflineFilter.GetFields, ctx.World.Options.PortalUtcOffset);
        var order = OfflineOrder.Parse(ctx.Param("order") ?? new JsonObject { ["TIMESTAMP_X"] = "ASC" }, OfflineFilter.GetFields);
        var take = (int)Math.Min(limit, int.MaxValue);
        if (processId is null)
        {
            // The reservation runs even when clear=1 and even when nothing is queued: a fresh id every time.
            filter.RejectArrayValues();
            processId = RandomNumberGenerator.GetString(ProcessIdAlphabet, 32);
            ctx.Portal.Queue.Reserve(app.ClientId, connector, error, filter, order, take, processId);
        }
        else
        {
            returnProcessId = true;
        }

        var rows = ctx.Portal.Queue.Select(app.ClientId, connector, error, filter, order, take, processId);
        if (clear != 0 && rows.Count > 0)
        {
            ctx.Portal.Queue.Delete(app.ClientId, connector, processId);
        }

        var events = new JsonArray();
        foreach (var row in rows)
        {
            events.Add(Item(ctx.Portal, row, withReservation: false));
        }

        return new JsonObject { ["process_id"] = returnProcessId ? processId : null, ["events"] = events };
    }

    private static MethodResult Clear(MethodContext ctx)
    {
        var app = AppAuth.RequireAppAdmin(ctx);
        var processId = RequireProcessId(ctx);
        var connector = ctx.Caller.AuthConnector;
        if (ctx.Param("message_id") is { } messageNode)
        {
            if (!PhpValues.IsArray(messageNode))
            {
                throw RestException.InvalidArgument("Value must be array of MESSAGE_ID values", "message_id");
            }

            var messageIds = new List<string>();
            foreach (var (_, value) in PhpValues.Entries(messageNode))
            {
                var messageId = PhpValues.String(value).Trim();
                if (messageId.Length != 32)
                {
                    // The server names the argument with this spelling.
                    throw RestException.InvalidArgument("Value must be array of MESSAGE_ID values", "messsage_id");
                }

                messageIds.Add(messageId);
            }

            // An empty list leaves the server's list at false: every row of the process goes.
            ctx.Portal.Queue.Delete(app.ClientId, connector, processId, messageIds: messageIds.Count > 0 ? messageIds : null);
            return JsonValue.Create(true);
        }

        List<long>? ids = null;
        if (ctx.Param("id") is { } idNode)
        {
            if (!PhpValues.IsArray(idNode))
            {
                throw RestException.InvalidArgument("Value must be array of integers", "id");
            }

            ids = [];
            foreach (var (_, value) in PhpValues.Entries(idNode))
            {
                var id = PhpValues.IntVal(value);
                if (id <= 0)
                {
                    throw RestException.InvalidArgument("Value must be array of integers", "id");
                }

                ids.Add(id);
            }
        }

        ctx.Portal.Queue.Delete(app.ClientId, connector, processId, ids: ids is { Count: > 0 } ? ids : null);
        return JsonValue.Create(true);
    }

    private static MethodResult Error(MethodContext ctx)
    {
        var app = AppAuth.RequireAppAdmin(ctx);
        var processId = RequireProcessId(ctx);
        var messageNode = ctx.Param("message_id");
        if (!PhpValues.IsArray(messageNode))
        {
            throw RestException.InvalidArgument("Value must be array of MESSAGE_ID values", "message_id");
        }

        var messageIds = PhpValues.Entries(messageNode).Select(e => PhpValues.String(e.Value)).ToList();
        if (messageIds.Count > 0)
        {
            ctx.Portal.Queue.MarkError(app.ClientId, ctx.Caller.AuthConnector, processId, messageIds);
        }

        return JsonValue.Create(true);
    }

    private static MethodResult List(MethodContext ctx)
    {
        var app = AppAuth.RequireAppAdmin(ctx);
        var filter = OfflineFilter.Parse(ctx.Param("filter") ?? new JsonObject(), OfflineFilter.ListFields, ctx.World.Options.PortalUtcOffset);
        var order = OfflineOrder.Parse(ctx.Param("order") ?? new JsonObject { ["ID"] = "ASC" }, OfflineFilter.ListFields);
        // The server reads page intval(start / 50) + 1: a start inside a page reads that page from its beginning.
        var start = (int)Math.Clamp(PhpValues.IntVal(ctx.Param("start")), 0, int.MaxValue) / ListLimit * ListLimit;
        var rows = ctx.Portal.Queue.List(app.ClientId, ctx.Caller.AuthConnector, filter, order);
        var page = rows.Skip(start).Take(ListLimit).ToList();
        var items = new JsonArray();
        foreach (var row in page)
        {
            items.Add(Item(ctx.Portal, row, withReservation: true));
        }

        int? next = start + page.Count < rows.Count ? start + page.Count : null;
        return new MethodResult(items, rows.Count, next);
    }

    private static string RequireProcessId(MethodContext ctx) =>
        ctx.Param("process_id") is { } node ? PhpValues.String(node).Trim() : throw PhpValues.ArgumentNull("PROCESS_ID");

    private static JsonObject Item(EmulatedPortal portal, OfflineEventRow row, bool withReservation)
    {
        var item = new JsonObject
        {
            ["ID"] = row.Id.ToString(CultureInfo.InvariantCulture),
            ["TIMESTAMP_X"] = portal.FormatTime(row.TimestampX),
            ["EVENT_NAME"] = row.EventName,
            ["EVENT_DATA"] = row.EventData?.DeepClone(),
            ["EVENT_ADDITIONAL"] = new JsonObject { ["user_id"] = row.UserId },
            ["MESSAGE_ID"] = row.MessageId,
        };
        if (withReservation)
        {
            item["PROCESS_ID"] = row.ProcessId;
            item["ERROR"] = row.Error ? "1" : "0";
        }

        return item;
    }
}
