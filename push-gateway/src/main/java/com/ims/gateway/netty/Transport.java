package com.ims.gateway.netty;

import java.net.StandardSocketOptions;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Linux's epoll where its native library loads (one system call for a channel's queued writes), else Java's NIO.
 *
 * @param reusePort the listening socket's SO_REUSEPORT in this transport's terms
 */
record Transport(String name, IoHandlerFactory handlers, Class<? extends ServerChannel> serverChannel,
                 Class<? extends Channel> clientChannel, ChannelOption<Boolean> reusePort) {

    static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollChannelOption.SO_REUSEPORT);
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT));
    }
}
