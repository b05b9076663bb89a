/*
 * The JSON API client and the access token. No DOM: fetch and the storage are
 * injected, so Node can test it.
 *
 * Token contract: a `token` query parameter in the page URL
 * (http://host:port/?session=alice&token=XYZ) is kept, also in sessionStorage so
 * that a reload without it still works, and sent on every API request as
 * `Authorization: Bearer XYZ`. A 401/403 answer is an ApiError with .auth = true.
 */

export const TOKEN_KEY = "spacy_al.token";
export const AUTH_MESSAGE =
  "This server needs an access token: open the URL printed by spacy-al annotate";

/** The token from the URL query (stored in `storage`), else the stored one, else null. */
export function resolveToken(search, storage) {
  const fromUrl = (new URLSearchParams(search || "").get("token") || "").trim();
  if (fromUrl) {
    try {
      if (storage) storage.setItem(TOKEN_KEY, fromUrl);
    } catch (e) {
      // storage disabled (private mode, quota): the token still works for this page
    }
    return fromUrl;
  }
  try {
    const stored = storage ? storage.getItem(TOKEN_KEY) : null;
    return stored ? String(stored) : null;
  } catch (e) {
    return null;
  }
}

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.auth = status === 401 || status === 403;
  }
}

/** The request options for one API call (headers, JSON body). */
export function requestOptions(method, body, token) {
  const opts = { method: method, headers: { Accept: "application/json" } };
  if (token) opts.headers.Authorization = "Bearer " + token;
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  return opts;
}

/**
 * request(method, path, body) → the parsed JSON; throws ApiError on an HTTP error
 * (message: the server's "error"/"detail", or the auth message for 401/403).
 * Paths are relative ("project"), so the UI also works behind a path prefix.
 */
export function createApi(fetchFn, token) {
  return async function request(method, path, body) {
    const resp = await fetchFn(path, requestOptions(method, body, token));
    let data = null;
    try {
      data = await resp.json();
    } catch (e) {
      data = null;
    }
    if (!resp.ok) {
      let msg = (data && (data.error || data.detail)) || "HTTP " + resp.status;
      if (resp.status === 401 || resp.status === 403) msg = AUTH_MESSAGE;
      throw new ApiError(String(msg), resp.status);
    }
    return data;
  };
}
