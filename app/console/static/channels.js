// The channels of a file in the selection: each with its kind and the members it names.

import { byId, show } from "./dom.js";
import { plural } from "./format.js";

/** "sales (public): 12 members", "ops (private): 1 member" (the creator joins as well). */
export function channelLine(channel) {
  const kind = channel.is_private ? "private" : "public";
  const members = plural(channel.memberCount || 0, "member");
  const creator = channel.creator ? `, created by ${channel.creator}` : "";
  return `${channel.name} (${kind}): ${members}${creator}`;
}

/** The rooms a file creates or joins: its channels, direct messages aside. */
export const roomsOf = (channels) => (channels || []).filter((channel) => !channel.is_direct);

/** List the file's channels under the choice to import them (textContent only). */
export function showChannels(channels) {
  const list = byId("channels-list");
  const rooms = roomsOf(channels);
  list.replaceChildren(
    ...rooms.map((channel) => {
      const item = document.createElement("li");
      item.textContent = channelLine(channel);
      return item;
    }),
  );
  show(list, rooms.length > 0);
}
